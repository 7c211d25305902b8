namespace Gateway.Server.Providers.Local.Tools;

/// <summary>How a turn that may call tools reads and constrains its answer.</summary>
/// <param name="Begun">The part of a call the prompt already ends with (the opener of a required call), which the answer continues.</param>
/// <param name="Grammar">The GBNF the answer must follow (<see cref="ToolCallGrammar"/>), or null for free text.</param>
internal sealed record LocalToolTurn(LocalToolFamily Family, string Begun, string? Grammar)
{
    /// <summary>On a turn free to answer or call (toolChoice auto): the opener that switches the answer to a call grammar.</summary>
    public ToolCallOpener? Opener { get; init; }
}
