using System.Text;

namespace Gateway.Server.Providers;

/// <summary>
/// An honest guess at a turn's input tokens where the provider has no way to count them: one token per four UTF-8 bytes
/// of the text, tool calls and tool definitions, the rule of thumb OpenAI gives for English
/// (https://help.openai.com/en/articles/4936856); images and binary documents are not counted.
/// </summary>
internal static class TokenEstimate
{
    private const int BytesPerToken = 4;

    public static long Of(ModelTurnRequest request)
    {
        long bytes = 0;
        foreach (var message in request.Messages)
        {
            foreach (var part in message.Content)
            {
                bytes += Encoding.UTF8.GetByteCount(part.Text ?? "");
            }
            foreach (var call in message.ToolCalls)
            {
                bytes += Encoding.UTF8.GetByteCount(call.Name) + call.Arguments.Utf8.Length;
            }
        }
        foreach (var tool in request.Tools)
        {
            bytes += Encoding.UTF8.GetByteCount(tool.Name) + Encoding.UTF8.GetByteCount(tool.Description) + tool.ParametersSchema.Utf8.Length;
        }
        return (bytes + BytesPerToken - 1) / BytesPerToken;
    }
}
