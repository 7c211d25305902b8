using Gateway.Server.Mcp;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>Waits, bounded, for a server's state to become what a test expects, on its <see cref="IMcpServer.StateChanged"/>.</summary>
internal static class McpServerStates
{
    /// <summary>Long enough for node to start a server and list its tools on a busy machine.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<McpServerState> WaitForAsync(IMcpServer server, Func<McpServerState, bool> condition)
    {
        using var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        server.StateChanged += OnChanged;
        try
        {
            using var timeout = new CancellationTokenSource(Bound);
            while (!condition(server.State))
            {
                if (!await changed.WaitAsync(Bound, timeout.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below with the state it is in.
        }
        finally
        {
            server.StateChanged -= OnChanged;
        }
        var state = server.State;
        Assert.True(condition(state), $"server {server.Name} did not reach the expected state within {Bound}: {state}");
        return state;
    }

    public static Task<McpServerState> ReadyAsync(IMcpServer server) => WaitForAsync(server, s => s.Status == McpServerStatus.Ready);
}
