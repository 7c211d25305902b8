using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>
/// A Streamable HTTP MCP server on loopback (the C# SDK's own, on Kestrel): <c>progress</c> reports progress and waits for
/// <see cref="ReleaseProgress"/> (so a test sees the progress before the result, which MCP does not order), <c>block</c> waits
/// until the client cancels it and records that it saw the cancellation; every request's headers are recorded.
/// </summary>
internal sealed class McpHttpTestServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _requests = new();
    private readonly TaskCompletionSource _progressReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blockStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blockCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    /// <summary>The MCP endpoint, as a servers file's <c>url</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The headers of every HTTP request the server got, by name (lower case), in arrival order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Requests => [.. _requests];

    /// <summary>Completes when a <c>block</c> call has begun.</summary>
    public Task BlockStarted => _blockStarted.Task;

    /// <summary>Completes when a <c>block</c> call's cancellation token fired: the client's cancellation reached the server.</summary>
    public Task BlockCancelled => _blockCancelled.Task;

    /// <summary>Lets every <c>progress</c> call, now and later, go on past its first report.</summary>
    public void ReleaseProgress() => _progressReleased.TrySetResult();

    public static async Task<McpHttpTestServer> StartAsync()
    {
        var server = new McpHttpTestServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Kestrel waits for open streams on stop; a test's server has nothing worth waiting for.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddMcpServer().WithHttpTransport().WithTools(server.Tools());
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            server._requests.Enqueue(context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
            await next(context);
        });
        app.MapMcp("/mcp");
        await app.StartAsync();
        server._app = app;
        server.Url = app.Urls.Single() + "/mcp";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private McpServerTool[] Tools() =>
    [
        McpServerTool.Create(
            async (IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken) =>
            {
                progress.Report(new ProgressNotificationValue { Progress = 1, Total = 2, Message = "halfway" });
                await _progressReleased.Task.WaitAsync(cancellationToken);
                progress.Report(new ProgressNotificationValue { Progress = 2, Total = 2 });
                return "done";
            },
            new McpServerToolCreateOptions { Name = "progress", Description = "Reports progress 1/2, waits for the test's release, reports 2/2 and answers." }),
        McpServerTool.Create(
            async (CancellationToken cancellationToken) =>
            {
                _blockStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _blockCancelled.TrySetResult();
                    throw;
                }
                return "never";
            },
            new McpServerToolCreateOptions { Name = "block", Description = "Waits until the call is cancelled." }),
    ];
}
