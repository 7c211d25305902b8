using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Providers.Upstream;

/// <summary>
/// The upstream policy every remote provider shares, in one place: connect and first-byte bounds, retries before the
/// first byte, and failure messages, over the pooled HTTP/1.1 <see cref="UpstreamClient"/>.
/// </summary>
/// <remarks>
/// Policy (see also <see cref="UpstreamHttpOptions"/>):
/// <list type="bullet">
/// <item>Connect failures, 429 and 5xx are retried at most <see cref="UpstreamHttpOptions.MaxRetries"/> times,
/// waiting per <c>Retry-After</c> (delay-seconds or HTTP-date, RFC 9110 §10.2.3) when given, else exponential
/// backoff with jitter; never once the first byte of a successful answer is in, so nothing is streamed twice.</item>
/// <item>Any other non-2xx answer fails at once: "&lt;provider&gt; returned &lt;status&gt; &lt;reason&gt;: &lt;body excerpt&gt;".</item>
/// <item>No byte within <see cref="UpstreamHttpOptions.FirstByteTimeout"/> (headers included) fails the call, and so
/// does a silence of <see cref="UpstreamHttpOptions.IdleTimeout"/> once the answer has begun.</item>
/// <item>Disposing an unfinished response closes its connection at once, which is how a cancelled turn aborts the
/// upstream call.</item>
/// </list>
/// </remarks>
internal sealed partial class UpstreamHttp : IDisposable
{
    private const int ExcerptChars = 500;

    private readonly UpstreamClient _client;
    private readonly UpstreamMetrics? _metrics;

    /// <param name="metrics">Where retries are counted, when given.</param>
    public UpstreamHttp(UpstreamHttpOptions? options = null, UpstreamMetrics? metrics = null)
    {
        Options = options ?? new UpstreamHttpOptions();
        _client = new UpstreamClient(Options);
        _metrics = metrics;
    }

    public UpstreamHttpOptions Options { get; }

    public void Dispose() => _client.Dispose();

    /// <summary>Sends with retries; a success comes with its still-running first-byte timeout.</summary>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    private async Task<UpstreamAttempt> SendWithRetriesAsync(string provider, UpstreamRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.FirstByteTimeout);
            UpstreamResponse? response = null;
            string failure;
            var failureStatus = 502;
            var retryable = false;
            TimeSpan? retryAfter = null;
            try
            {
                response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return new UpstreamAttempt(response, timeout, null, 0);
                }
                var status = response.StatusCode;
                retryable = status == 429 || status >= 500;
                retryAfter = RetryAfter(response.RetryAfter);
                failureStatus = StatusForCaller(status);
                failure = await DescribeStatusAsync(provider, response, timeout.Token).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                response?.Dispose();
                timeout.Dispose();
                throw;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failure = NoResponse(provider);
                failureStatus = 504;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // Connection refused or reset, DNS, TLS, the connect timeout, a malformed head: nothing usable was received.
                failure = $"{provider} request failed: {e.Message}";
                retryable = true;
            }
            catch (Exception e)
            {
                // Anything else (a header value that cannot be sent, …) will not get better by retrying.
                failure = $"{provider} request failed: {e.Message}";
            }
            response?.Dispose();
            timeout.Dispose();

            if (!retryable || attempt >= Options.MaxRetries)
            {
                return new UpstreamAttempt(null, null, failure, failureStatus);
            }
            _metrics?.Retried(provider);
            await Task.Delay(RetryDelay(attempt, retryAfter), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The status the gateway's caller sees for an upstream's refusal: its rate limit (429) and its verdicts on the
    /// request itself (400, 404, 413, 422) pass through; anything else (a 5xx, or 401/403, which mean the gateway's
    /// own credentials for the upstream are wrong, not the caller's) is the gateway's upstream failing: 502.
    /// </summary>
    internal static int StatusForCaller(int upstreamStatus) => upstreamStatus switch
    {
        400 or 404 or 413 or 422 or 429 => upstreamStatus,
        _ => 502,
    };

    private string NoResponse(string provider) =>
        string.Create(CultureInfo.InvariantCulture, $"{provider} sent no response within {Options.FirstByteTimeout.TotalSeconds:0.###} s");

    /// <summary>Retry-After when the upstream gave one, else base·2^attempt plus up to as much jitter; capped.</summary>
    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var delay = retryAfter ?? Options.RetryBaseDelay * (1 << attempt) * (1 + Random.Shared.NextDouble());
        return delay > Options.MaxRetryDelay ? Options.MaxRetryDelay : delay;
    }

    /// <summary>RFC 9110 §10.2.3: <c>Retry-After: &lt;delay-seconds&gt;</c> or <c>&lt;HTTP-date&gt;</c>.</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>"&lt;provider&gt; returned &lt;status&gt; &lt;reason&gt;: &lt;first 500 chars of the body&gt;".</summary>
    private static async Task<string> DescribeStatusAsync(string provider, UpstreamResponse response, CancellationToken cancellationToken)
    {
        var head = $"{provider} returned {response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var excerpt = await ReadExcerptAsync(response, cancellationToken).ConfigureAwait(false);
        return excerpt.Length == 0 ? head : $"{head}: {excerpt}";
    }

    private static async Task<string> ReadExcerptAsync(UpstreamResponse response, CancellationToken cancellationToken)
    {
        // 4 bytes per char at most in UTF-8, so this holds 500 chars of any text.
        var buffer = new byte[ExcerptChars * 4];
        var length = 0;
        try
        {
            var body = response.Body;
            while (length < buffer.Length)
            {
                var read = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
                var take = read.Buffer.Slice(0, Math.Min(read.Buffer.Length, buffer.Length - length));
                take.CopyTo(buffer.AsSpan(length));
                length += (int)take.Length;
                body.AdvanceTo(take.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // Keep what arrived; the status alone still says what happened. The caller checks its own token.
        }
        var text = Encoding.UTF8.GetString(buffer, 0, length).Trim();
        return text.Length > ExcerptChars ? text[..ExcerptChars] : text;
    }

    /// <summary>The outcome of <see cref="SendWithRetriesAsync"/>: a 2xx response and its first-byte timeout, or a failure.</summary>
    /// <param name="FailureStatus">For a failure, the status for the gateway's caller (<see cref="ProviderEvent.Failed"/>).</param>
    private readonly record struct UpstreamAttempt(UpstreamResponse? Response, CancellationTokenSource? Timeout, string? Failure, int FailureStatus);
}
