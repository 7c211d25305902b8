namespace Gateway.Tools.BuiltIn;

/// <summary>The three file operations of the patch grammar (SPEC §7).</summary>
internal enum PatchOperationKind
{
    Add,
    Delete,
    Update,
}
