namespace Gateway.Tools.BuiltIn;

/// <summary>One <c>@@</c> hunk of an Update: the lines it expects in the file and the lines that replace them.</summary>
/// <param name="Anchor">The text after <c>@@</c>, or null: the hunk is looked for from the first line containing it.</param>
/// <param name="OldLines">Context and removed lines, in order: what must be in the file, contiguous.</param>
/// <param name="NewLines">Context and added lines, in order.</param>
/// <param name="Number">1-based position among the file's hunks, for error messages.</param>
internal sealed record PatchHunk(string? Anchor, IReadOnlyList<string> OldLines, IReadOnlyList<string> NewLines, int Number);
