using Gateway.Server.Mcp;
using Gateway.Tools;
using ModelContextProtocol;

namespace Gateway.Server.Tests.Mcp;

/// <summary>notifications/progress become tool_progress lines at once, in order.</summary>
public sealed class McpProgressAdapterTests
{
    [Fact]
    public void EachNotificationIsOneLineWrittenAtOnce()
    {
        var progress = new RecordingProgress();
        var adapter = new McpProgressAdapter(progress);

        adapter.Report(new ProgressNotificationValue { Progress = 1, Total = 4, Message = "Operation progress: 1 of 4" });
        adapter.Report(new ProgressNotificationValue { Progress = 2.5f });
        adapter.Report(new ProgressNotificationValue { Progress = 3, Total = 4 });

        Assert.Equal("progress 1/4: Operation progress: 1 of 4\nprogress 2.5\nprogress 3/4\n", progress.Text.ToString());
        Assert.All(progress.Streams, s => Assert.Equal(ToolOutputStream.Stdout, s));
    }

}
