using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Gateway.Server.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.KestrelBaseline;

/// <summary>The gateway's <see cref="IHttpExchange"/> over an ASP.NET Core <see cref="HttpContext"/>.</summary>
/// <remarks>
/// Mirrors what Gateway.Server's <c>HttpConnection</c> does with the same calls, using only Kestrel's
/// public API: the body is read whole into a pooled buffer before the endpoint runs; <see cref="Respond"/>
/// sets status, Content-Type and Content-Length and writes into <see cref="HttpResponse.BodyWriter"/>
/// (Kestrel flushes when the request delegate completes); <see cref="StartStream"/> starts a response with
/// no Content-Length, which Kestrel frames as chunked; each <see cref="WriteStreamAsync"/> writes and
/// flushes. One instance per request: Kestrel owns the per-connection reuse of <see cref="HttpContext"/>.
/// </remarks>
internal sealed class KestrelExchange : IHttpExchange
{
    private readonly HttpContext _context;
    private readonly string[] _routeParameters;
    private byte[]? _body;
    private int _bodyLength;
    private Task? _starting;
    private IHeartbeatSubscriber? _heartbeatSubscriber;

    private KestrelExchange(HttpContext context, string[] routeParameters)
    {
        _context = context;
        _routeParameters = routeParameters;
    }

    /// <summary>Kestrel itself drops a HEAD response's body; the baseline's routes stream none.</summary>
    public bool IsHead => HttpMethods.IsHead(_context.Request.Method);

    public ReadOnlyMemory<byte> Body => _body.AsMemory(0, _bodyLength);

    public CancellationToken RequestAborted => _context.RequestAborted;

    /// <summary>Never signalled: the baseline measures requests under load and is not shut down under it.</summary>
    public CancellationToken ServerStopping => CancellationToken.None;

    public bool HasStartedResponse { get; private set; }

    /// <summary>Always null: the baseline checks keys (<see cref="BaselineRoutes"/>) but measures no per-key limit.</summary>
    public ClientKey? Key => null;

    /// <summary>Copied per access: the baseline's routes never read it.</summary>
    public ReadOnlySpan<byte> AcceptEncoding => Encoding.Latin1.GetBytes(_context.Request.Headers.AcceptEncoding.ToString());

    /// <summary>Copied per access: the baseline's routes never read it.</summary>
    public ReadOnlySpan<byte> IfNoneMatch => Encoding.Latin1.GetBytes(_context.Request.Headers.IfNoneMatch.ToString());

    /// <summary>Runs <paramref name="endpoint"/> for one request, as Gateway.Server's connection loop does.</summary>
    /// <param name="routeParameters">The route template's parameter names, in template order (for <see cref="GetRouteValue"/>).</param>
    public static async Task InvokeAsync(HttpContext context, IEndpoint endpoint, string[] routeParameters)
    {
        var exchange = new KestrelExchange(context, routeParameters);
        try
        {
            if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true)
            {
                await exchange.ReadBodyAsync().ConfigureAwait(false);
            }
            await endpoint.InvokeAsync(exchange).ConfigureAwait(false);
            if (exchange._starting is { } starting)
            {
                await starting.ConfigureAwait(false); // A stream that was started but never written to.
            }
        }
        finally
        {
            exchange.SubscribeHeartbeat(null);
            if (exchange._body is { } body)
            {
                exchange._body = null;
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    public ReadOnlySpan<byte> Query =>
        _context.Request.QueryString.HasValue ? Encoding.ASCII.GetBytes(_context.Request.QueryString.Value![1..]) : default;

    public ReadOnlySpan<byte> LastEventId => Encoding.ASCII.GetBytes(_context.Request.Headers["Last-Event-ID"].ToString());

    public string GetRouteValue(int index) =>
        _context.Request.RouteValues[_routeParameters[index]] as string ?? "";

    public void Respond(int statusCode, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, ReadOnlySpan<byte> extraHeaderLines = default)
    {
        var response = _context.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("The response has already been sent.");
        }
        HasStartedResponse = true;
        response.StatusCode = statusCode;
        response.ContentType = ContentTypeString(contentType);
        foreach (var (name, value) in HeaderLines.Parse(extraHeaderLines))
        {
            response.Headers[name] = value;
        }
        response.ContentLength = body.Length;
        if (!body.IsEmpty)
        {
            var writer = response.BodyWriter;
            body.CopyTo(writer.GetSpan(body.Length));
            writer.Advance(body.Length);
        }
    }

    public void StartStream(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> extraHeaderLines)
    {
        var response = _context.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("The response has already been sent.");
        }
        HasStartedResponse = true;
        response.StatusCode = 200;
        response.ContentType = ContentTypeString(contentType);
        foreach (var (name, value) in HeaderLines.Parse(extraHeaderLines))
        {
            response.Headers[name] = value;
        }
        // No Content-Length: Kestrel frames the body as chunked for HTTP/1.1 (close-delimited for 1.0), as our server does.
        var starting = response.StartAsync();
        _starting = starting.IsCompletedSuccessfully ? null : starting;
    }

    public void SubscribeHeartbeat(IHeartbeatSubscriber? subscriber)
    {
        if (_heartbeatSubscriber is { } previous)
        {
            BaselineHeartbeat.Remove(previous);
        }
        _heartbeatSubscriber = subscriber;
        if (subscriber is not null)
        {
            BaselineHeartbeat.Add(subscriber);
        }
    }

    public ValueTask<bool> WriteStreamAsync(ReadOnlyMemory<byte> data)
    {
        var aborted = _context.RequestAborted;
        if (_starting is not null || aborted.IsCancellationRequested)
        {
            return WriteAfterStartAsync(data);
        }
        if (data.IsEmpty)
        {
            return new ValueTask<bool>(true);
        }
        try
        {
            var flush = _context.Response.BodyWriter.WriteAsync(data, aborted);
            return flush.IsCompletedSuccessfully ? new ValueTask<bool>(Delivered(flush.Result)) : AwaitFlushAsync(flush);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return new ValueTask<bool>(false);
        }
    }

    private async ValueTask<bool> WriteAfterStartAsync(ReadOnlyMemory<byte> data)
    {
        if (_starting is { } starting)
        {
            _starting = null;
            try
            {
                await starting.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return false;
            }
        }
        return !_context.RequestAborted.IsCancellationRequested && await WriteStreamAsync(data).ConfigureAwait(false);
    }

    private async ValueTask<bool> AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            return Delivered(await flush.ConfigureAwait(false));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private bool Delivered(FlushResult result) =>
        !result.IsCompleted && !result.IsCanceled && !_context.RequestAborted.IsCancellationRequested;

    /// <summary>Reads the whole (de-chunked) body into one pooled buffer; Kestrel enforces MaxRequestBodySize (413).</summary>
    private async Task ReadBodyAsync()
    {
        var reader = _context.Request.BodyReader;
        var declared = _context.Request.ContentLength;
        _body = ArrayPool<byte>.Shared.Rent(declared is > 0 and < int.MaxValue ? (int)declared.Value : 4096);
        while (true)
        {
            var result = await reader.ReadAsync(_context.RequestAborted).ConfigureAwait(false);
            var buffer = result.Buffer;
            var needed = _bodyLength + (int)buffer.Length;
            if (needed > _body.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _body.Length * 2));
                _body.AsSpan(0, _bodyLength).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_body);
                _body = larger;
            }
            buffer.CopyTo(_body.AsSpan(_bodyLength));
            _bodyLength = needed;
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>The endpoints' content types as the interned strings ASP.NET Core's header API takes.</summary>
    private static string ContentTypeString(ReadOnlySpan<byte> contentType) =>
        contentType.SequenceEqual("application/json"u8) ? "application/json"
        : contentType.SequenceEqual("text/event-stream"u8) ? "text/event-stream"
        : Encoding.ASCII.GetString(contentType);

    /// <summary>Whole header lines (<c>Name: value\r\n</c>…) as name/value pairs; the last distinct input is cached.</summary>
    private sealed record HeaderLines(byte[] Raw, KeyValuePair<string, string>[] Fields)
    {
        private static volatile HeaderLines s_last = new([], []);

        public static KeyValuePair<string, string>[] Parse(ReadOnlySpan<byte> lines)
        {
            var last = s_last;
            if (lines.SequenceEqual(last.Raw))
            {
                return last.Fields;
            }
            var fields = new List<KeyValuePair<string, string>>();
            foreach (var line in Encoding.ASCII.GetString(lines).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    fields.Add(new(line[..colon], line[(colon + 1)..].Trim()));
                }
            }
            s_last = last = new HeaderLines(lines.ToArray(), [.. fields]);
            return last.Fields;
        }
    }
}
