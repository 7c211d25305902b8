namespace Gateway.Tools.BuiltIn;

/// <summary>One file section of a parsed patch.</summary>
/// <param name="Path">The path as written in the header; resolved against the workspace when applied.</param>
/// <param name="AddedLines">The content of an Add (the <c>+</c> prefix removed); empty otherwise.</param>
/// <param name="Hunks">The hunks of an Update, in order; empty otherwise.</param>
internal sealed record PatchOperation(
    PatchOperationKind Kind,
    string Path,
    IReadOnlyList<string> AddedLines,
    IReadOnlyList<PatchHunk> Hunks);
