namespace Gateway.Server.Providers.Local;

internal sealed partial class LocalModel
{
    /// <summary>
    /// The prompt's tokens as the model's tokenizer reads the prompt a turn of <paramref name="request"/> starts with,
    /// the tools' offer included when the turn makes one (<see cref="FormatTurn"/>).
    /// </summary>
    public long CountPromptTokens(ModelTurnRequest request)
    {
        return FormatTurn(request.Messages, request.Options, request.Tools, AnswerLimit(request.Options)).Prompt.Length;
    }
}
