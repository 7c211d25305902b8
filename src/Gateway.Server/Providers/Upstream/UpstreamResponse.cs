using System.IO.Pipelines;
using System.Net.Http.Headers;

namespace Gateway.Server.Providers.Upstream;

/// <summary>An upstream's answer: its status, the head fields the retry policy reads, and the body as it arrives.</summary>
/// <remarks>
/// Disposing it releases the connection: back to the pool when <see cref="Body"/> was read to its end, closed otherwise,
/// which is how a cancelled or abandoned call stops the upstream. Dispose it exactly once, after the last read.
/// </remarks>
internal sealed class UpstreamResponse : IDisposable, IAsyncDisposable
{
    private UpstreamConnection? _connection;
    private HttpResponseMessage? _message;

    /// <summary>An answer on one of the client's own connections.</summary>
    public UpstreamResponse(UpstreamConnection connection, in ResponseHead head)
    {
        _connection = connection;
        StatusCode = head.StatusCode;
        ReasonPhrase = head.ReasonPhrase;
        RetryAfter = head.RetryAfter is { } value && RetryConditionHeaderValue.TryParse(value, out var parsed) ? parsed : null;
        Body = connection.Body;
    }

    /// <summary>An answer through <see cref="HttpClient"/> (the proxy path).</summary>
    public UpstreamResponse(HttpResponseMessage message, Stream body)
    {
        _message = message;
        StatusCode = (int)message.StatusCode;
        ReasonPhrase = message.ReasonPhrase ?? string.Empty;
        RetryAfter = message.Headers.RetryAfter;
        Body = PipeReader.Create(body);
    }

    public int StatusCode { get; }

    public bool IsSuccessStatusCode => StatusCode is >= 200 and < 300;

    /// <summary>The reason phrase of a status outside 2xx (for failure messages); empty for a success.</summary>
    public string ReasonPhrase { get; }

    /// <summary>RFC 9110 §10.2.3, when the upstream sent it.</summary>
    public RetryConditionHeaderValue? RetryAfter { get; }

    /// <summary>The body, de-chunked; it completes at the body's end and fails with an <see cref="IOException"/> if the connection breaks first.</summary>
    public PipeReader Body { get; }

    public void Dispose()
    {
        Interlocked.Exchange(ref _connection, null)?.Release();
        if (Interlocked.Exchange(ref _message, null) is { } message)
        {
            Body.Complete();
            // MaxResponseDrainSize = 0: an unfinished body closes its connection.
            message.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
