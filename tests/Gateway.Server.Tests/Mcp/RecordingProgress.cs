using System.Text;
using Gateway.Tools;

namespace Gateway.Server.Tests.Mcp;

/// <summary>A call's progress as the text it reported and the stream of each report.</summary>
internal sealed class RecordingProgress : IToolProgress
{
    public StringBuilder Text { get; } = new();

    public List<ToolOutputStream> Streams { get; } = [];

    public void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream)
    {
        Text.Append(Encoding.UTF8.GetString(utf8));
        Streams.Add(stream);
    }
}
