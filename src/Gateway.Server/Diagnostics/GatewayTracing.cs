using System.Diagnostics;
using System.Net;
using System.Text;

namespace Gateway.Server.Diagnostics;

/// <summary>
/// The gateway's spans: their source, names and attribute keys, after the OpenTelemetry semantic conventions for HTTP
/// servers and for generative AI (gen_ai spans: invoke_agent, chat, execute_tool).
/// </summary>
/// <remarks>
/// With no listener (OTEL_EXPORTER_OTLP_ENDPOINT unset) every Start returns null before building a name or a tag, and
/// the Record methods take a null span, so the call sites cost a branch and allocate nothing.
/// </remarks>
internal static class GatewayTracing
{
    public const string SourceName = "Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Whether anything listens for spans; false when no exporter is configured.</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>HTTP server span (semconv http-spans): <c>{method} {route}</c>, continuing the client's trace when its traceparent is valid.</summary>
    /// <param name="target">The request target as received (origin form: path and query).</param>
    /// <param name="client">The peer, for client.address and client.port.</param>
    public static Activity? StartHttpRequest(
        string method, string? route, ReadOnlySpan<byte> target, string protocolVersion, IPEndPoint? client, ReadOnlySpan<byte> traceParent, string? traceState)
    {
        if (!IsEnabled)
        {
            return null;
        }
        TraceParent.TryParse(traceParent, traceState, out var parent);
        var activity = Source.StartActivity(route is null ? method : $"{method} {route}", ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            var query = target.IndexOf((byte)'?');
            activity.SetTag("http.request.method", method);
            activity.SetTag("http.route", route);
            activity.SetTag("url.path", Encoding.ASCII.GetString(query < 0 ? target : target[..query]));
            activity.SetTag("url.scheme", "http");
            activity.SetTag("network.protocol.version", protocolVersion);
            if (client is not null)
            {
                activity.SetTag("client.address", client.Address.ToString());
                activity.SetTag("client.port", client.Port);
            }
        }
        return activity;
    }

    /// <summary>semconv http-spans: a server span is an error for a 5xx only, with the status code as error.type.</summary>
    public static void RecordHttpStatus(Activity? activity, int statusCode)
    {
        if (activity is null || statusCode == 0)
        {
            return;
        }
        activity.SetTag("http.response.status_code", statusCode);
        if (statusCode >= 500)
        {
            RecordError(activity, statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>gen_ai agent span: <c>invoke_agent {name}</c>, internal (the agent runs in this process).</summary>
    public static Activity? StartAgent(string name, string agentId, string conversationId)
    {
        var activity = StartGenAi("invoke_agent", name, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.agent.id", agentId);
            activity.SetTag("gen_ai.agent.name", name);
            activity.SetTag("gen_ai.conversation.id", conversationId);
        }
        return activity;
    }

    /// <summary>gen_ai inference span: <c>chat {model}</c>, a client of the model's API.</summary>
    /// <param name="server">The API's base URL for a remote provider; null in-process.</param>
    public static Activity? StartChat(string provider, string model, Uri? server)
    {
        var activity = StartGenAi("chat", model, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.provider.name", provider);
            activity.SetTag("gen_ai.request.model", model);
            if (server is not null)
            {
                activity.SetTag("server.address", server.Host);
                activity.SetTag("server.port", server.Port);
            }
        }
        return activity;
    }

    public static void RecordUsage(Activity? activity, long inputTokens, long outputTokens)
    {
        activity?.SetTag("gen_ai.usage.input_tokens", inputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", outputTokens);
    }

    public static void RecordFinishReason(Activity? activity, string reason) => activity?.SetTag("gen_ai.response.finish_reasons", new[] { reason });

    /// <summary>gen_ai tool span: <c>execute_tool {tool}</c>.</summary>
    public static Activity? StartTool(string tool, string callId)
    {
        var activity = StartGenAi("execute_tool", tool, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.tool.name", tool);
            activity.SetTag("gen_ai.tool.call.id", callId);
        }
        return activity;
    }

    /// <summary>A gen_ai span named <c>{operation} {subject}</c> with its gen_ai.operation.name; null without a listener.</summary>
    private static Activity? StartGenAi(string operation, string subject, ActivityKind kind)
    {
        if (!IsEnabled)
        {
            return null;
        }
        var activity = Source.StartActivity($"{operation} {subject}", kind);
        activity?.SetTag("gen_ai.operation.name", operation);
        return activity;
    }

    /// <summary>semconv error.type: a low-cardinality class of the failure, and the span's status set to error.</summary>
    public static void RecordError(Activity? activity, string errorType)
    {
        activity?.SetTag("error.type", errorType);
        activity?.SetStatus(ActivityStatusCode.Error);
    }
}
