using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamHttp
{
    /// <summary>How much of a body may follow the end marker before we stop draining it and drop the connection.</summary>
    private const long MaxDrainBytes = 64 * 1024;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sends <paramref name="request"/> and decodes its SSE answer with <paramref name="decoder"/>.
    /// Ends normally after the decoder's end marker, or with exactly one Failed event; throws only
    /// <see cref="OperationCanceledException"/>, and only for <paramref name="cancellationToken"/>.
    /// </summary>
    public async IAsyncEnumerable<ProviderEvent> StreamAsync(
        string provider, UpstreamRequest request, IStreamDecoder decoder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var attempt = await SendWithRetriesAsync(provider, request, cancellationToken).ConfigureAwait(false);
        if (attempt.Failure is not null)
        {
            yield return ProviderEvent.Failed(attempt.Failure, attempt.FailureStatus);
            yield break;
        }

        // Disposing the response closes the connection if the body is unfinished: that is what aborts the upstream
        // call when the caller cancels or stops enumerating.
        using var response = attempt.Response!;
        using var timeout = attempt.Timeout!;
        var state = new StreamState(provider, response, timeout, decoder);
        var output = new List<ProviderEvent>();
        try
        {
            while (true)
            {
                var failure = await StepAsync(state, output, cancellationToken).ConfigureAwait(false);
                foreach (var item in output)
                {
                    yield return item;
                }
                output.Clear();
                if (failure is { } failed)
                {
                    yield return failed;
                    yield break;
                }
                if (state.Finished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (state.Reader is not null)
            {
                await state.Reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads events until the decoder produced something or the stream is over.</summary>
    /// <returns>A Failed event, or null (then <see cref="StreamState.Finished"/> says whether the stream is done).</returns>
    private async ValueTask<ProviderEvent?> StepAsync(StreamState state, List<ProviderEvent> output, CancellationToken cancellationToken)
    {
        var provider = state.Provider;
        try
        {
            if (state.Reader is null)
            {
                state.Reader = new SseReader(state.Response.Body.AsStream(leaveOpen: true), Options.MaxEventBytes, state.Timeout, Options.IdleTimeout, Options.Clock);
            }
            while (output.Count == 0)
            {
                if (!await state.Reader.ReadEventAsync(state.Timeout.Token).ConfigureAwait(false))
                {
                    return ProviderEvent.Failed($"{provider} stream ended before completion");
                }
                if (state.Decoder.Decode(state.Reader.EventType, state.Reader.Data, output))
                {
                    state.Finished = true;
                    if (output.Count == 0 || output[^1].Kind != ProviderEventKind.Error)
                    {
                        await DrainAsync(state.Reader, state.Timeout.Token, cancellationToken).ConfigureAwait(false);
                    }
                    return null;
                }
            }
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (state.Timeout.IsCancellationRequested)
        {
            return state.Reader?.ReceivedAny == true
                ? ProviderEvent.Failed(string.Create(CultureInfo.InvariantCulture, $"{provider} sent nothing for {Options.IdleTimeout.TotalSeconds:0.###} s in the middle of its answer"), 504)
                : ProviderEvent.Failed(NoResponse(provider), 504);
        }
        catch (JsonException e)
        {
            return ProviderEvent.Failed($"{provider} sent malformed data: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            return ProviderEvent.Failed($"{provider} sent {e.Message}");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            // The connection broke mid-body (e.g. HttpIOException "response ended prematurely" on a cut chunked body).
            return ProviderEvent.Failed($"{provider} stream ended before completion");
        }
        catch (Exception e)
        {
            return ProviderEvent.Failed($"{provider} stream failed: {e.Message}");
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

    /// <summary>What one streaming call holds while its events are read.</summary>
    private sealed class StreamState(string provider, UpstreamResponse response, CancellationTokenSource timeout, IStreamDecoder decoder)
    {
        public string Provider => provider;

        public UpstreamResponse Response => response;

        public CancellationTokenSource Timeout => timeout;

        public IStreamDecoder Decoder => decoder;

        public SseReader? Reader { get; set; }

        public bool Finished { get; set; }
    }
}
