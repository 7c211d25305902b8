namespace Gateway.Server.Providers.Local;

internal sealed partial class LocalModel
{
    /// <summary>
    /// The prompt's tokens as the model's tokenizer reads its template's text of <paramref name="request"/>, as a turn that
    /// offers no tools writes it (a turn that must call a tool also carries the tools' offer, which this leaves out).
    /// </summary>
    public long CountPromptTokens(ModelTurnRequest request)
    {
        var (text, parseSpecial) = _format.Format(request.Messages, [], "");
        return Tokenize(text, parseSpecial).Length;
    }
}
