using System.Net.Http.Headers;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers.Upstream;

/// <summary>One call to a model API, kept as data: the client writes it straight into a connection, and a retry sends it again.</summary>
/// <param name="Headers">Provider headers (authentication, API version); the values are sent as given.</param>
/// <param name="Body">The UTF-8 JSON body, or null for a GET.</param>
/// <param name="Accept">The media type asked for: <c>text/event-stream</c> for a turn, <c>application/json</c> for a listing.</param>
internal sealed record UpstreamRequest(HttpMethod Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, string Accept)
{
    /// <summary>The request for HttpClient (the proxy path).</summary>
    /// <remarks>A request message can be sent only once (HttpClient marks it sent), hence one per attempt.</remarks>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Uri);
        message.Headers.TryAddWithoutValidation("Accept", Accept);
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        if (TraceParent.ForOutgoingRequest() is ({ } traceParent, var traceState))
        {
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
            if (traceState is not null)
            {
                message.Headers.TryAddWithoutValidation("tracestate", traceState);
            }
        }
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return message;
    }
}
