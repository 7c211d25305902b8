using System.Net;
using System.Text;
using Gateway.Server;
using Gateway.Server.Agents;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Endpoints.Responses;
using Gateway.Server.Http;
using Gateway.Server.Mcp;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>The gateway with a scripted model (and optional test tools), plus helpers to open /chat streams.</summary>
internal sealed class ChatTestHost : IAsyncDisposable
{
    private ChatTestHost(GatewayHost host, ScriptedModelProvider model)
    {
        Host = host;
        Model = model;
    }

    public GatewayHost Host { get; }

    public ScriptedModelProvider Model { get; }

    /// <summary>No session is registered and every orchestrator is back in the pool: whatever the sessions started has ended.</summary>
    public bool SessionsGone => Host.Sessions.Count == 0 && Host.Orchestrators.Rented == 0;

    public static async Task<ChatTestHost> StartAsync(ScriptedModelProvider? model = null, IToolRegistry? tools = null, AgentOptions? agents = null, IReadOnlyList<IModelProvider>? moreProviders = null, string? defaultModel = null, HttpServerOptions? http = null, GatewayLog? log = null, GatewayMetrics? metrics = null, string[]? apiKeys = null, TimeProvider? clock = null, ResponseStoreOptions? responses = null, IReadOnlyList<ClientKey>? keys = null, McpOptions? mcp = null, ResumeOptions? resume = null)
    {
        model ??= new ScriptedModelProvider();
        var options = new GatewayOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            DefaultModel = defaultModel,
            Http = http ?? TestServer.FastOptions,
            Agents = agents ?? new AgentOptions(),
            ApiKeys = apiKeys ?? [],
            Keys = keys ?? [],
            Clock = clock ?? TimeProvider.System,
            Responses = responses ?? new ResponseStoreOptions(),
            Mcp = mcp ?? McpOptions.Default,
            Resume = resume ?? new ResumeOptions(),
        };
        // With MCP servers and no tools of the test's, the gateway offers its own: the built-in tools and the servers'.
        var registry = tools ?? (mcp is null ? NoToolRegistry.Instance : null);
        var host = await GatewayHost.StartAsync(options, [model, .. moreProviders ?? []], log ?? GatewayLog.Silent, registry, metrics);
        return new ChatTestHost(host, model);
    }

    /// <summary>Sends a POST with this JSON body on a new connection.</summary>
    /// <param name="extraHeaders">Whole header lines with their CRLFs (an <c>Authorization</c>), or empty.</param>
    public async Task<RawConnection> PostAsync(string path, string json, string extraHeaders = "")
    {
        var connection = await RawConnection.ConnectAsync(Host.EndPoint);
        var body = Encoding.UTF8.GetBytes(json);
        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{extraHeaders}Content-Length: {body.Length}\r\n\r\n");
        await connection.SendAsync(body);
        return connection;
    }

    /// <summary>POSTs /chat and checks the stream's head (SPEC §3); returns the connection and its event reader.</summary>
    public async Task<(RawConnection Connection, EventStreamReader Events)> OpenChatAsync(string json)
    {
        var connection = await PostAsync("/chat", json);
        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Equal("no-cache", head.Header("Cache-Control"));
        Assert.Equal("chunked", head.Header("Transfer-Encoding"));
        return (connection, new EventStreamReader(connection));
    }

    /// <summary>Answers a relay the way a client does.</summary>
    public async Task<RawResponse> AnswerRelayAsync(string relayId, string json)
    {
        await using var connection = await PostAsync($"/chat/relay/{relayId}", json);
        return await connection.ReadResponseAsync();
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
