using System.Runtime.CompilerServices;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>A client that stops reading: its agents are slowed by the bounded stream, then the session is ended by the write timeout.</summary>
public sealed class StalledClientTests
{
    [Fact]
    public async Task ClientThatNeverReadsIsCutOffAndItsSessionEnds()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedModelProvider().Then((_, token) => EndlessTextAsync(cancelled, token));
        await using var host = await ChatTestHost.StartAsync(model, http: TestServer.FastOptions with { WriteTimeout = TimeSpan.FromMilliseconds(300) });

        // The request is sent, and not one byte of the response is ever read.
        await using var connection = await host.PostAsync("/chat", """{"model":"test-model","messages":[{"role":"user","content":"talk"}]}""");

        await cancelled.Task.WaitAsync(Patience);
        await WithinAsync(Patience, () => host.Host.Sessions.Count == 0 && host.Host.Orchestrators.Rented == 0, "the stalled session is removed");
    }

    /// <summary>64 KiB text deltas for as long as anyone takes them: far more than the socket buffers hold.</summary>
    private static async IAsyncEnumerable<ProviderEvent> EndlessTextAsync(TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var piece = new string('w', 64 * 1024);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                yield return ProviderEvent.TextDelta(piece);
            }
        }
        finally
        {
            // Runs when the agent abandons the stream; only a cancelled session counts.
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled.TrySetResult();
            }
        }
    }
}
