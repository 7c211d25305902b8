using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>While a server is ready: its calls, its tool list's changes, and (HTTP) its pings.</summary>
internal sealed partial class McpServerSupervisor
{
    /// <summary>How often an HTTP server is pinged while idle, and how long its answer may take (trap 22).</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    public Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken) =>
        CallAsync(_link ?? throw new McpUnavailableException(NotReady()), toolName, arguments, progress, cancellationToken);

    /// <summary>One call over <paramref name="link"/>: the shared server's, or a session's own (<see cref="SessionInstance"/>).</summary>
    private async Task<CallToolResult> CallAsync(
        Link link, string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        // The SDK's own JSON context writes a boxed JsonElement as it is: no reflection (trap 14).
        var values = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            values[name] = value;
        }
        try
        {
            return await link.Client.CallToolAsync(toolName, values, progress, options: null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (McpProtocolException e)
        {
            // The server's error answer; over HTTP also what a server that lost our session says (400, trap 22): a ping tells which.
            if (link.Connection.IsRemote && !await RespondsAsync(link, cancellationToken).ConfigureAwait(false))
            {
                throw new McpUnavailableException($"server failed during the call: {e.Message}");
            }
            throw;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            var ended = await link.Connection.EndedBecauseAsync().ConfigureAwait(false);
            link.Fail(ended ?? e.Message);
            throw new McpUnavailableException(ended is null ? $"server failed during the call: {e.Message}" : $"server {ended} during the call");
        }
    }

    private string NotReady()
    {
        var state = _state;
        return state.Status switch
        {
            McpServerStatus.Backoff => $"server {Name} is restarting ({state.LastError})",
            McpServerStatus.Invalid => $"server {Name} is invalid ({state.LastError})",
            _ => $"server {Name} is {state.Status.ToString().ToLowerInvariant()}",
        };
    }

    /// <summary>Publishes <paramref name="ready"/> and serves until the server ends, a call or a ping finds it gone, or the gateway stops; says why it ended.</summary>
    private async Task<string> ServeAsync(Link link, McpServerState ready, ChannelReader<bool> toolsChanged)
    {
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        // The first ping is on the clock before the state says ready: a test steps a fake clock once it sees it.
        var pinging = link.Connection.IsRemote ? PingAsync(link, serving.Token) : Task.CompletedTask;
        Publish(ready);
        // After: a re-list publishes over the ready state.
        var relisting = RelistAsync(link, toolsChanged, serving.Token);
        try
        {
            var stopped = Task.Delay(Timeout.InfiniteTimeSpan, _stop.Token);
            var ended = await Task.WhenAny(link.Client.Completion, link.Connection.Ended, link.Failed, stopped).ConfigureAwait(false);
            _stop.Token.ThrowIfCancellationRequested();
            if (ended == link.Failed)
            {
                return await link.Failed.ConfigureAwait(false);
            }
            return await link.Connection.EndedBecauseAsync().ConfigureAwait(false)
                ?? (link.Client.Completion.IsCompleted && (await link.Client.Completion.ConfigureAwait(false)).Exception is { } e
                    ? $"closed the connection: {e.Message}"
                    : "closed the connection");
        }
        finally
        {
            await serving.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(relisting, pinging).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the tools again after each notifications/tools/list_changed; one failing over the connection ends the server's life.</summary>
    private async Task RelistAsync(Link link, ChannelReader<bool> toolsChanged, CancellationToken cancellationToken)
    {
        try
        {
            while (await toolsChanged.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                toolsChanged.TryRead(out _);
                ImmutableArray<Tool> tools;
                try
                {
                    tools = await ListToolsAsync(link.Client, cancellationToken).ConfigureAwait(false);
                }
                catch (McpProtocolException e)
                {
                    _log.Warning($"mcp server {Name}: tools/list failed, its last list stays: {e.Message}");
                    continue;
                }
                Publish(_state with { Tools = tools });
                _log.Info(string.Create(CultureInfo.InvariantCulture, $"mcp server {Name} changed its tools: {tools.Length} tools"));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server's life is over.
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            link.Fail($"failed to list its tools: {e.Message}");
        }
    }

    private async Task PingAsync(Link link, CancellationToken cancellationToken)
    {
        try
        {
            do
            {
                await Task.Delay(PingInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            while (await RespondsAsync(link, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server's life is over.
        }
    }

    /// <summary>Whether the server answers a ping within <see cref="PingTimeout"/>; if not, its life is over.</summary>
    private async Task<bool> RespondsAsync(Link link, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(PingTimeout);
        try
        {
            await link.Client.PingAsync(options: null, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsConnectionFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            link.Fail(e is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"did not answer a ping within {PingTimeout.TotalSeconds} s")
                : $"did not answer a ping: {e.Message}");
            return false;
        }
    }

    /// <summary>A server's client and connection while it is ready; <see cref="Failed"/> when a call or ping found it gone.</summary>
    private sealed class Link(McpClient client, IMcpConnection connection)
    {
        private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public McpClient Client => client;

        public IMcpConnection Connection => connection;

        public Task<string> Failed => _failed.Task;

        public void Fail(string reason) => _failed.TrySetResult(reason);
    }
}
