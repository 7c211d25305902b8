using System.Globalization;
using System.Text;
using Gateway.Tools;
using ModelContextProtocol;

namespace Gateway.Server.Mcp;

/// <summary>
/// notifications/progress of one call as tool_progress lines (SPEC §5), written at once: <see cref="Progress{T}"/> would
/// post each to the thread pool and reorder them. The sink coalesces and drops what comes after the result.
/// </summary>
internal sealed class McpProgressAdapter(IToolProgress progress) : IProgress<ProgressNotificationValue>
{
    public void Report(ProgressNotificationValue value)
    {
        var line = new StringBuilder("progress ").Append(CultureInfo.InvariantCulture, $"{value.Progress}");
        if (value.Total is { } total)
        {
            line.Append(CultureInfo.InvariantCulture, $"/{total}");
        }
        if (value.Message is { Length: > 0 } message)
        {
            line.Append(": ").Append(message);
        }
        progress.Report(Encoding.UTF8.GetBytes(line.Append('\n').ToString()), ToolOutputStream.Stdout);
    }
}
