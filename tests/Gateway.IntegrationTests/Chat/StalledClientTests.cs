using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using Gateway.Server.Transport;
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
        await WithinAsync(Patience, () => host.SessionsGone, "the stalled session is removed");
    }

    [Fact]
    public async Task ClientThatNeverReadsHoldsABoundedAmountInTheGateway()
    {
        const int PieceLength = 8 * 1024;
        // A text frame is the piece plus its event line, four ids and the JSON around them (238 bytes), plus at most one
        // chunk-size line; 266 over-counts each frame a little, so the held figure below errs high, never low.
        const int MaxFrameOverhead = 266;
        // StreamBatch.MaxBytes pending plus as much in the batch being written plus the send pipe's 32 KiB pause
        // threshold (docs/architecture.md), an event past each of the first two, and the over-count's slack.
        const long Bound = 64 * 1024 + 2 * PieceLength + 16 * 1024;

        var produced = new StrongBox<long>();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedModelProvider().Then((_, token) => CountedTextAsync(new string('w', PieceLength), produced, cancelled, token));
        await using var host = await ChatTestHost.StartAsync(model, http: TestServer.FastOptions with { WriteTimeout = TimeSpan.FromSeconds(1) });
        await using var connection = await host.PostAsync("/chat", """{"model":"test-model","messages":[{"role":"user","content":"talk"}]}""");

        // Until the write timeout ends the session: what the model has produced, less what the kernel holds in the
        // client's receive queue and the server's send queue, is what waits inside the gateway. A sample counts only
        // when no frame was produced while it was taken; reading the receiving end first, bytes moving on during it
        // are missed by the kernel figure, so the held figure errs high, never low.
        long held = 0, kernelHeld = 0, serverSendQueue = 0;
        var clock = Stopwatch.StartNew();
        while (!cancelled.Task.IsCompleted)
        {
            Assert.True(clock.Elapsed < Patience, "The stalled session was not ended by the write timeout.");
            var frames = Volatile.Read(ref produced.Value);
            var client = KernelSocketQueues.Find(connection.LocalEndPoint, host.Host.EndPoint);
            var server = KernelSocketQueues.Find(host.Host.EndPoint, connection.LocalEndPoint);
            if (server is { Established: true } s && client is { } c && frames == Volatile.Read(ref produced.Value))
            {
                kernelHeld = s.SendQueue + c.ReceiveQueue;
                serverSendQueue = Math.Max(serverSendQueue, s.SendQueue);
                held = Math.Max(held, frames * (PieceLength + MaxFrameOverhead) - kernelHeld);
            }
            await Task.Delay(10);
        }

        Assert.True(kernelHeld > 0, "The client's socket never filled, so nothing was held back.");
        Assert.InRange(held, 0, Bound);
        // The kernel's share is fixed too: Linux doubles SO_SNDBUF for its bookkeeping (socket(7)) and lets the write
        // that crosses the limit finish, one loopback segment (64 KiB) at most.
        Assert.InRange(serverSendQueue, 1, 2 * SocketConnection.SendBufferBytes + 64 * 1024);
    }

    /// <summary>Text deltas of <paramref name="piece"/>, counted as the agent takes them, until the session is cancelled.</summary>
    private static async IAsyncEnumerable<ProviderEvent> CountedTextAsync(
        string piece, StrongBox<long> produced, TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                Interlocked.Increment(ref produced.Value);
                yield return ProviderEvent.TextDelta(piece);
            }
        }
        finally
        {
            cancelled.TrySetResult();
        }
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
