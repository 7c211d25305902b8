using System.Globalization;
using System.Text.Json;
using Gateway.Server.Sse;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamHttp
{
    /// <summary>How much of a body may follow the end marker before we stop draining it and drop the connection.</summary>
    private const long MaxDrainBytes = 64 * 1024;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sends <paramref name="request"/> and pushes its SSE answer, decoded by <paramref name="decoder"/>, into
    /// <paramref name="sink"/>, flushing it after each upstream read. Ends normally after the decoder's end marker, or
    /// after exactly one failure; throws only <see cref="OperationCanceledException"/>, and only for
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task StreamAsync(string provider, UpstreamRequest request, IStreamDecoder decoder, ITurnSink sink, CancellationToken cancellationToken)
    {
        var attempt = await SendWithRetriesAsync(provider, request, cancellationToken).ConfigureAwait(false);
        if (attempt.Failure is not null)
        {
            sink.Failed(attempt.Failure, attempt.FailureStatus);
            return;
        }

        // Disposing the response closes the connection if the body is unfinished: that is what aborts the upstream call
        // when the caller cancels.
        using var response = attempt.Response!;
        using var timeout = attempt.Timeout!;
        var watch = new BodyWatch(timeout, Options);
        SseReader? reader = null;
        try
        {
            reader = new SseReader(response.Body, Options.MaxEventBytes, watch.OnBytes);
            await RelayAsync(provider, reader, decoder, sink, timeout.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            sink.Failed(reader?.ReceivedAny == true
                ? string.Create(CultureInfo.InvariantCulture, $"{provider} sent nothing for {Options.IdleTimeout.TotalSeconds:0.###} s in the middle of its answer")
                : NoResponse(provider), 504);
        }
        catch (JsonException e)
        {
            sink.Failed($"{provider} sent malformed data: {e.Message}", 502);
        }
        catch (InvalidDataException e)
        {
            sink.Failed($"{provider} sent {e.Message}", 502);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            // The connection broke mid-body (e.g. HttpIOException "response ended prematurely" on a cut chunked body).
            sink.Failed($"{provider} stream ended before completion", 502);
        }
        catch (Exception e)
        {
            sink.Failed($"{provider} stream failed: {e.Message}", 502);
        }
        finally
        {
            watch.Dispose();
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Decodes events as they are read; the sink is flushed whenever the next event must be waited for (one write per
    /// upstream read), and also when it is behind, so a stalled client stops the reading of an upstream that keeps sending.
    /// </summary>
    private static async Task RelayAsync(
        string provider, SseReader reader, IStreamDecoder decoder, ITurnSink sink, CancellationToken streamToken, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = reader.ReadEventAsync(streamToken);
            if (!next.IsCompleted || sink.IsBehind)
            {
                await sink.FlushAsync().ConfigureAwait(false);
            }
            if (!await next.ConfigureAwait(false))
            {
                sink.Failed($"{provider} stream ended before completion", 502);
                return;
            }
            switch (decoder.Decode(reader.EventType, reader.Data, sink))
            {
                case StreamDecodeResult.Ended:
                    await DrainAsync(reader, streamToken, cancellationToken).ConfigureAwait(false);
                    return;
                case StreamDecodeResult.Failed:
                    return;
            }
        }
    }

    /// <summary>Reads the little that follows the end marker, so the connection returns to the pool; best effort.</summary>
    private static async Task DrainAsync(SseReader reader, CancellationToken streamToken, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(streamToken);
        bound.CancelAfter(DrainTimeout);
        try
        {
            await reader.DrainAsync(MaxDrainBytes, bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            // The turn is complete; an unfinished body only costs the connection.
        }
    }

    /// <summary>
    /// The body's time bounds: the first-byte timeout already running on <c>timeout</c> stops at the first bytes, and
    /// from then on the source is cancelled when the body stays silent for the idle timeout.
    /// </summary>
    private sealed class BodyWatch(CancellationTokenSource timeout, UpstreamHttpOptions options) : IDisposable
    {
        private SilenceTimeout? _silence;
        private bool _receiving;

        public void OnBytes()
        {
            if (_receiving)
            {
                _silence?.Touch();
                return;
            }
            _receiving = true;
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            _silence = options.IdleTimeout > TimeSpan.Zero ? new SilenceTimeout(timeout, options.IdleTimeout, options.Clock) : null;
        }

        public void Dispose() => _silence?.Dispose();
    }
}
