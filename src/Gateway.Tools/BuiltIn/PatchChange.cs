namespace Gateway.Tools.BuiltIn;

/// <summary>A validated operation ready to write: everything checked, the new content computed.</summary>
/// <param name="FullPath">The resolved path inside the workspace (<see cref="WorkspacePaths"/>).</param>
/// <param name="NewContent">The bytes to write for Add and Update; null for Delete.</param>
/// <param name="OriginalContent">The bytes before the change for Update and Delete, to roll back with; null for Add.</param>
internal sealed record PatchChange(PatchOperation Operation, string FullPath, byte[]? NewContent, byte[]? OriginalContent);
