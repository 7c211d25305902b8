using System.Globalization;
using System.Net;
#if GATEWAY_RLM
using Gateway.Repl;
#endif
using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Diagnostics;
using Gateway.Server.Endpoints.Responses;
using Gateway.Server.Http;
using Gateway.Server.Mcp;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Mock;
using Gateway.Server.Providers.Upstream;
using Gateway.Server.Sse;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Configuration;

/// <summary>Everything the process is configured with, read from environment variables.</summary>
internal sealed record GatewayOptions
{
    private static readonly HttpServerOptions s_httpDefaults = new();
    private static readonly AgentOptions s_agentDefaults = new();
    private static readonly UpstreamHttpOptions s_upstreamDefaults = new();
    private static readonly LocalModelOptions s_localDefaults = new();
    private static readonly MockModelOptions s_mockDefaults = new();
    private static readonly ResponseStoreOptions s_responsesDefaults = new();
    private static readonly ResumeOptions s_resumeDefaults = new();
    private static readonly BashSandbox s_sandboxDefaults = new();
    private static readonly ClusterOptions s_clusterDefaults = new();

    /// <summary>MODELS_DIR when unset: the shared models beside the repository, for running from a checkout with no configuration.</summary>
    private const string SharedModelsDirectory = "../shared/models";
    private const string FallbackModelsDirectory = "models";

    /// <summary>
    /// BASH_UID_BASE when unset: far above login accounts (1000+), systemd's dynamic users (61184-65519) and container
    /// ranges (systemd-nspawn's reach 1878982656), below 2^31 so no tool reads it as negative.
    /// </summary>
    private const int DefaultSandboxUserBase = 2_000_000_000;

#if GATEWAY_RLM
    private const long Mebibyte = 1024 * 1024;
#endif

    /// <summary>
    /// The built-in upstreams: provider name, protocol, the variables holding key and base URL (and, for OpenAI, the API
    /// style), and whether it takes <c>prompt_cache_key</c> (OpenAI's API does: https://platform.openai.com/docs/guides/prompt-caching).
    /// </summary>
    private static readonly (string Name, ProviderProtocol Protocol, string KeyVariable, string UrlVariable, string? StyleVariable, bool PromptCacheKey)[] s_builtInProviders =
    [
        ("openai", ProviderProtocol.OpenAiCompatible, "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_STYLE", true),
        ("anthropic", ProviderProtocol.Anthropic, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", null, false),
        ("openrouter", ProviderProtocol.OpenAiCompatible, "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", null, false),
        ("zen", ProviderProtocol.OpenAiCompatible, "ZEN_API_KEY", "ZEN_BASE_URL", null, false),
    ];

    /// <summary>Every variable the server reads, with its default; <c>--help</c> prints this table.</summary>
    public static IReadOnlyList<EnvironmentVariable> Variables { get; } =
    [
        new("HOST", "127.0.0.1", "Address to listen on (0.0.0.0 or :: for every interface)."),
        new("PORT", "4000", "TCP port to listen on."),
        new("DEFAULT_MODEL", null, "Model used when a request names none; when unset and no remote provider is configured, the first mock model, else the first local model by name."),
        new("LOG_LEVEL", "info", "debug, info, warning, error or none; info writes a line per request and per session."),
        new("LOG_FORMAT", "text", "text (timestamp, level, message, key=value pairs) or json (one object per line)."),
        new("GATEWAY_API_KEYS", null, "Comma-separated bearer keys; when set (to at least one key), every route but /health needs 'Authorization: Bearer <key>' or 'x-api-key: <key>'."),
        new("GATEWAY_KEYS_FILE", null, "JSON file of named keys with limits: {\"keys\":[{\"name\",\"sha256\" (hex of the key),\"models\"?,\"maxConcurrentSessions\"?,\"requestsPerMinute\"?,\"tokensPerDay\"? (input + output, per UTC day)}]}; beside GATEWAY_API_KEYS; read again on SIGHUP and when it changes."),
        new("METRICS_PUBLIC", "false", "true: GET /metrics needs no key even when GATEWAY_API_KEYS is set."),
        new("MAX_CONNECTIONS", Invariant(s_httpDefaults.MaxConnections), "Open connections beyond this are answered 503 and closed."),
        new("MAX_REQUEST_LINE_BYTES", Invariant(s_httpDefaults.MaxRequestLineBytes), "Longest request line; longer is 414."),
        new("MAX_HEADER_BYTES", Invariant(s_httpDefaults.MaxHeaderBytes), "Largest header section; larger is 431."),
        new("MAX_HEADER_COUNT", Invariant(s_httpDefaults.MaxHeaderCount), "Most header fields; more is 431."),
        new("MAX_BODY_BYTES", Invariant(s_httpDefaults.MaxBodyBytes), "Largest request body; larger is 413."),
        new("HEADERS_TIMEOUT_SECONDS", Invariant(s_httpDefaults.HeadersTimeout.TotalSeconds), "Time to receive a whole request head; then 408."),
        new("BODY_TIMEOUT_SECONDS", Invariant(s_httpDefaults.BodyTimeout.TotalSeconds), "Time to receive a whole request body; then 408."),
        new("KEEPALIVE_TIMEOUT_SECONDS", Invariant(s_httpDefaults.KeepAliveTimeout.TotalSeconds), "Idle time between requests before the connection is closed."),
        new("SHUTDOWN_TIMEOUT_SECONDS", Invariant(s_httpDefaults.ShutdownTimeout.TotalSeconds), "On SIGTERM/SIGINT, how long in-flight requests may finish."),
        new("WRITE_TIMEOUT_SECONDS", Invariant(s_httpDefaults.WriteTimeout.TotalSeconds), "A client that takes no response bytes for this long is disconnected (its session ends)."),
        new("WORKSPACE_ROOT", null, "Directory the tools work in and are confined to (default: the working directory)."),
        new("WORKSPACE_MODE", "shared", "shared: every session works in WORKSPACE_ROOT; session: each /chat session (with its subagents) works in a fresh owner-only (0700) directory under it, named after the session, which read and patch are confined to, and bash too in the sandbox (BASH_SANDBOX); removed when the session ends, and at start-up when a crash left it (unless another gateway uses the root)."),
        new("WORKSPACE_KEEP", "false", "true: a session's own directory (WORKSPACE_MODE=session) is kept when the session ends instead of removed, and start-up removes none."),
        new("BASH_SANDBOX", "auto", "bwrap: each bash call runs in bubblewrap (system read-only, only the workspace writable, private /tmp, own PID namespace, no network, only PATH, HOME, LANG, LC_ALL, TZ, TERM; as an unprivileged uid when the gateway is root); none: as the gateway itself; auto: bwrap when a trial run works at start-up, else none with a warning. An explicit bwrap that cannot run stops start-up. See docs/security.md."),
        new("BASH_NETWORK", "false", "true: sandboxed bash commands reach the host's network."),
        new("BASH_MAX_PROCESSES", Invariant(s_sandboxDefaults.MaxProcesses), "Processes and threads a sandboxed session's commands may have at once (RLIMIT_NPROC of its uid; in a shared workspace, of all sessions together)."),
        new("BASH_MAX_MEMORY_MB", Invariant(s_sandboxDefaults.MaxMemoryMegabytes), "Address space of each sandboxed process, in MiB (RLIMIT_AS)."),
        new("BASH_CPU_SECONDS", Invariant(s_sandboxDefaults.CpuSeconds), "CPU time of each sandboxed process, in seconds (RLIMIT_CPU); the call's timeout still bounds the call."),
        new("BASH_UID_BASE", Invariant(DefaultSandboxUserBase), "When the gateway is root: sandboxed commands run as this unprivileged uid in a shared workspace (give WORKSPACE_ROOT to it for bash to write there), and as one of the next uids (one per live session) in a session's own directory (which belongs to it); no account needs to exist."),
        new("ENABLED_TOOLS", $"agent,bash,read,patch,{AgentOptions.AllMcpTools}", "Comma-separated tools offered to agents: built-in names, and MCP tool names (mcp__<server>__<tool>) or globs of them (mcp__github__*), which never fail start-up as their servers may come later; a subset of the default narrows it."),
        new("MCP_SERVERS_FILE", null, "JSON file of MCP servers whose tools agents are offered as mcp__<server>__<tool>: {\"mcpServers\":{\"<name>\":{\"command\",\"args\"?,\"env\"?,\"cwd\"?,\"network\"?} or {\"url\",\"headers\"?}}}, as desktop clients write it. See docs/mcp.md."),
        new("MCP_TOOL_TIMEOUT_SECONDS", Invariant(McpOptions.Default.ToolTimeout.TotalSeconds), "An MCP tool call unanswered this long is cancelled and fails with \"timed out\"."),
        new("MCP_START_TIMEOUT_SECONDS", Invariant(McpOptions.Default.StartTimeout.TotalSeconds), "Time an MCP server has to answer initialize and list its tools; then it is restarted with backoff."),
        new("MCP_SANDBOX", McpOptions.Default.Sandbox, "bwrap: stdio MCP servers run in bubblewrap as bash does (BASH_SANDBOX), with network only where the server's entry says \"network\": true; none: unconfined; auto: as BASH_SANDBOX settles. Their environment is always the allowlist of bash plus the entry's env."),
        new("MCP_RESTART_MAX_SECONDS", Invariant(McpOptions.Default.RestartMax.TotalSeconds), "Longest wait between restarts of a failed MCP server (the wait doubles from 1 s up to it)."),
        new("RELAY_TIMEOUT_SECONDS", Invariant(s_agentDefaults.RelayTimeout.TotalSeconds), "A permission relay unanswered this long is denied (\"relay timed out\")."),
#if GATEWAY_RLM
        new("RLM_TURN_SECONDS", Invariant(ReplLimits.Default.TurnTime.TotalSeconds), "RLM mode: JavaScript time one REPL turn may run, waits for llm_query and exec excluded; then the turn fails with a time-limit error."),
        new("RLM_MAX_STATEMENTS", Invariant(ReplLimits.Default.MaxStatements), "RLM mode: JavaScript statements one REPL turn may run."),
        new("RLM_MEMORY_MB", Invariant(ReplLimits.Default.MemoryBytes / Mebibyte), "RLM mode: MiB one REPL turn may allocate (garbage included: an allocation budget, not a heap limit)."),
#endif
        new("SSE_PING_SECONDS", Invariant(s_agentDefaults.PingInterval.TotalSeconds), "Idle time after which an event stream carries a ': ping' comment."),
        new("RESUME_GRACE_SECONDS", Invariant(s_resumeDefaults.Grace.TotalSeconds), "Above 0: resumable /chat streams (events carry 'id:' lines; GET /chat/:sessionId/events with Last-Event-ID replays and continues them). A session whose client leaves runs on this long for a reader to come back, else it is cancelled; an ended session stays readable this long. 0: a disconnect ends the session. See docs/resume.md."),
        new("RESUME_BUFFER_EVENTS", Invariant(s_resumeDefaults.BufferEvents), "Most events a resumable session keeps for replay; past it (or RESUME_BUFFER_BYTES) the oldest fall out, and resuming before them is 409."),
        new("RESUME_BUFFER_BYTES", Invariant(s_resumeDefaults.BufferBytes), "Most bytes of events a resumable session keeps for replay (held in 16 KiB chunks)."),
        new("RESPONSES_TTL_SECONDS", Invariant(s_responsesDefaults.TimeToLive.TotalSeconds), "How long POST /v1/responses keeps a response made with store (default true) for previous_response_id, in memory; then it is gone (404)."),
        new("RESPONSES_MAX_STORED", Invariant(s_responsesDefaults.Capacity), "Most responses kept for previous_response_id; past it the oldest is dropped first."),
        new("MAX_SESSIONS", Invariant(s_agentDefaults.MaxSessions), "Concurrent /chat sessions; beyond it /chat answers 503."),
        new("REDIS_URL", null, $"{RedisUrl.Shape}: instances sharing it register their sessions there, and a relay answer posted to any of them reaches its session; unreachable at start-up stops start-up. See docs/deploy.md."),
        new("CLUSTER_HEARTBEAT_SECONDS", Invariant(s_clusterDefaults.Heartbeat.TotalSeconds), "With REDIS_URL: how often an instance refreshes its own and its sessions' registrations."),
        new("CLUSTER_TTL_SECONDS", Invariant(s_clusterDefaults.TimeToLive.TotalSeconds), "With REDIS_URL: registrations not refreshed for this long expire; a dead instance's sessions are then not found. Above CLUSTER_HEARTBEAT_SECONDS."),
        new("CLUSTER_RELAY_TIMEOUT_SECONDS", Invariant(s_clusterDefaults.RelayTimeout.TotalSeconds), "With REDIS_URL: longest wait for the session's instance to answer a relay passed on to it; then 504."),
        new("OPENAI_API_KEY", null, "OpenAI API key; when set, OpenAI's models are served (provider name 'openai')."),
        new("OPENAI_BASE_URL", "https://api.openai.com/v1", "OpenAI API base URL."),
        new("OPENAI_API_STYLE", "chat", "chat (chat completions) or responses (the Responses API: reasoning summaries, the codex models)."),
        new("ANTHROPIC_API_KEY", null, "Anthropic API key; when set, Anthropic's models are served (provider name 'anthropic')."),
        new("ANTHROPIC_BASE_URL", "https://api.anthropic.com", "Anthropic API base URL (without /v1)."),
        new("OPENROUTER_API_KEY", null, "OpenRouter API key; when set, OpenRouter's models are served (provider name 'openrouter')."),
        new("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1", "OpenRouter API base URL."),
        new("ZEN_API_KEY", null, "OpenCode Zen API key; when set, Zen's models are served (provider name 'zen')."),
        new("ZEN_BASE_URL", "https://opencode.ai/zen/v1", "OpenCode Zen API base URL."),
        new("PROVIDERS_FILE", null, "JSON file of further OpenAI-compatible upstreams: {\"providers\":[{\"name\",\"baseUrl\",\"apiKey\"?,\"api\"?:\"chat\"|\"responses\",\"promptCacheKey\"?}]}."),
        new("UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS", Invariant(s_upstreamDefaults.FirstByteTimeout.TotalSeconds), "Longest wait for a model API's first byte; then the turn fails."),
        new("UPSTREAM_IDLE_TIMEOUT_SECONDS", Invariant(s_upstreamDefaults.IdleTimeout.TotalSeconds), "Longest silence within a model API's streamed answer after its first byte; then the turn fails."),
        new("MODELS_DIR", $"{SharedModelsDirectory} if that directory exists, else ./{FallbackModelsDirectory}", "Directory of local GGUF models, run in-process (provider name 'local'); each *.gguf is a model named after its file without .gguf."),
        new("LOCAL_MAX_SEQUENCES", Invariant(s_localDefaults.MaxSequences), "Turns one local model decodes together (batched); more wait for a free one."),
        new("LOCAL_QUEUE_TIMEOUT_SECONDS", Invariant(s_localDefaults.QueueTimeout.TotalSeconds), "How long a turn waits for a free local sequence before it fails."),
        new("LOCAL_CONTEXT_SIZE", Invariant(s_localDefaults.ContextSize), "Tokens per local sequence (prompt plus answer), at most the model's training context; reserved for every sequence at load."),
        new("LOCAL_MAX_TOKENS", Invariant(s_localDefaults.MaxTokens), "Most tokens a local model generates in one turn."),
        new("LOCAL_THREADS", Invariant(s_localDefaults.Threads), "llama.cpp compute threads per local model (default: the number of CPUs)."),
        new("MOCK_MODELS", null, "Comma-separated ids of mock models (provider name 'mock'), which answer without any network, for load tests."),
        new("MOCK_TOKENS", Invariant(s_mockDefaults.Tokens), "Pieces of text in each mock answer."),
        new("MOCK_TTFT_MS", Invariant(s_mockDefaults.TimeToFirstToken.TotalMilliseconds), "Milliseconds before a mock answer's first piece."),
        new("MOCK_TOKENS_PER_SECOND", Invariant(s_mockDefaults.TokensPerSecond), "Pace of a mock answer's pieces; 0 sends them as fast as possible."),
        new(TraceExport.EndpointVariable, null, "OTLP/HTTP collector base URL (spans go to <url>/v1/traces); when set, traces are exported. Read by the OpenTelemetry SDK, as are the next four."),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTLP protocol: http/protobuf or grpc."),
        new("OTEL_EXPORTER_OTLP_HEADERS", null, "Extra headers for the collector, as key=value,key2=value2."),
        new("OTEL_SERVICE_NAME", TraceExport.DefaultServiceName, "The service.name resource attribute of every span."),
        new("OTEL_BSP_SCHEDULE_DELAY", "5000", "Milliseconds between span batches sent to the collector."),
    ];

    public required IPEndPoint EndPoint { get; init; }

    public string? DefaultModel { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Bearer keys clients must present; empty means no authentication.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Named keys with their own limits (GATEWAY_KEYS_FILE), accepted beside <see cref="ApiKeys"/>.</summary>
    public IReadOnlyList<ClientKey> Keys { get; init; } = [];

    /// <summary>The full path of GATEWAY_KEYS_FILE, read again on SIGHUP and when it changes; null when unset.</summary>
    public string? KeysFilePath { get; init; }

    /// <summary>What the keys' limits are measured on; tests pass a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>GET /metrics is served without a key even when <see cref="ApiKeys"/> are set (METRICS_PUBLIC).</summary>
    public bool MetricsPublic { get; init; }

    public HttpServerOptions Http { get; init; } = new();

    /// <summary>The configured upstreams: each built-in one whose key is set, then every entry of PROVIDERS_FILE.</summary>
    public IReadOnlyList<ProviderEndpoint> Providers { get; init; } = [];

    public UpstreamHttpOptions Upstream { get; init; } = new();

    public AgentOptions Agents { get; init; } = new();

    /// <summary>Resumable /chat streams (SPEC §9): off unless RESUME_GRACE_SECONDS is above 0.</summary>
    public ResumeOptions Resume { get; init; } = new();

    /// <summary>How long and how many responses POST /v1/responses keeps for previous_response_id; their age is read on <see cref="Clock"/>.</summary>
    public ResponseStoreOptions Responses { get; init; } = new();

    /// <summary>What BASH_SANDBOX asks for; <see cref="BashSandboxStartup"/> settles it into <see cref="AgentOptions.BashSandbox"/>.</summary>
    public SandboxMode SandboxMode { get; init; } = SandboxMode.Auto;

    /// <summary>The sandbox's settings, used when <see cref="SandboxMode"/> settles on bwrap.</summary>
    public BashSandbox Sandbox { get; init; } = new();

    /// <summary>The in-process models; the provider is registered after the remote ones.</summary>
    public LocalModelOptions Local { get; init; } = new();

    /// <summary>The mock models; the provider is registered after the local one.</summary>
    public MockModelOptions Mock { get; init; } = new();

    /// <summary>The MCP servers' file and timings (MCP_*).</summary>
    public McpOptions Mcp { get; init; } = McpOptions.Default;

    /// <summary>The shared mode (REDIS_URL, CLUSTER_*); its <see cref="ClusterOptions.Redis"/> is null when running alone.</summary>
    public ClusterOptions Cluster { get; init; } = new();

    /// <summary>Reads every variable of <see cref="Variables"/>; throws <see cref="ConfigurationException"/> on the first bad one.</summary>
    public static GatewayOptions FromEnvironment(Func<string, string?> variable)
    {
        var reader = new VariableReader(variable);
        var providers = reader.Providers();
        var local = new LocalModelOptions
        {
            ModelsDirectory = reader.ModelsDirectory("MODELS_DIR"),
            MaxSequences = reader.Integer("LOCAL_MAX_SEQUENCES", 1, 256), // llama.cpp's LLAMA_MAX_SEQ
            QueueTimeout = reader.Seconds("LOCAL_QUEUE_TIMEOUT_SECONDS"),
            ContextSize = reader.Integer("LOCAL_CONTEXT_SIZE", 16, 1 << 20),
            MaxTokens = reader.Integer("LOCAL_MAX_TOKENS", 1, 1 << 20),
            Threads = reader.Integer("LOCAL_THREADS", 1, 1024),
        };
        var mock = new MockModelOptions
        {
            Models = reader.List("MOCK_MODELS"),
            Tokens = reader.Integer("MOCK_TOKENS", 1, 1_000_000),
            TimeToFirstToken = TimeSpan.FromMilliseconds(reader.Integer("MOCK_TTFT_MS", 0, 3_600_000)),
            TokensPerSecond = reader.Number("MOCK_TOKENS_PER_SECOND", 0, 1_000_000),
        };
        // Only while MOCK_MODELS is set: an upstream may be named "mock" otherwise (the lab's mock upstream is).
        if (mock.Models.Count > 0 && providers.Any(p => p.Name == MockModelProvider.ProviderName))
        {
            throw new ConfigurationException($"PROVIDERS_FILE: the provider name '{MockModelProvider.ProviderName}' is taken by the mock models while MOCK_MODELS is set.");
        }
        var apiKeys = reader.Keys("GATEWAY_API_KEYS");
        var keysFile = reader.FilePath("GATEWAY_KEYS_FILE");
        return new GatewayOptions
        {
            EndPoint = new IPEndPoint(reader.Address("HOST"), reader.Integer("PORT", 0, 65535)),
            // With no API key and no PROVIDERS_FILE the gateway still serves something: its first mock model, which MOCK_MODELS
            // names on purpose, else the first local model, which an unset MODELS_DIR may find by default.
            DefaultModel = reader.Text("DEFAULT_MODEL")
                ?? (providers.Count == 0 ? mock.Models.FirstOrDefault() ?? LocalModelDirectory.List(local.ModelsDirectory).FirstOrDefault() : null),
            LogLevel = reader.Level("LOG_LEVEL"),
            LogFormat = reader.Format("LOG_FORMAT"),
            ApiKeys = apiKeys,
            Keys = reader.NamedKeys("GATEWAY_KEYS_FILE", keysFile, apiKeys),
            KeysFilePath = keysFile,
            MetricsPublic = reader.Boolean("METRICS_PUBLIC"),
            Http = new HttpServerOptions
            {
                MaxConnections = reader.Integer("MAX_CONNECTIONS", 1, int.MaxValue),
                MaxRequestLineBytes = reader.Integer("MAX_REQUEST_LINE_BYTES", 64, 1024 * 1024),
                MaxHeaderBytes = reader.Integer("MAX_HEADER_BYTES", 256, 16 * 1024 * 1024),
                MaxHeaderCount = reader.Integer("MAX_HEADER_COUNT", 1, 10_000),
                MaxBodyBytes = reader.Integer("MAX_BODY_BYTES", 0, int.MaxValue),
                HeadersTimeout = reader.Seconds("HEADERS_TIMEOUT_SECONDS"),
                BodyTimeout = reader.Seconds("BODY_TIMEOUT_SECONDS"),
                KeepAliveTimeout = reader.Seconds("KEEPALIVE_TIMEOUT_SECONDS"),
                ShutdownTimeout = reader.Seconds("SHUTDOWN_TIMEOUT_SECONDS"),
                WriteTimeout = reader.Seconds("WRITE_TIMEOUT_SECONDS"),
            },
            Agents = new AgentOptions
            {
                RelayTimeout = reader.Seconds("RELAY_TIMEOUT_SECONDS"),
                PingInterval = reader.Seconds("SSE_PING_SECONDS"),
                MaxSessions = reader.Integer("MAX_SESSIONS", 1, int.MaxValue),
                WorkspaceRoot = reader.Directory("WORKSPACE_ROOT"),
                WorkspaceMode = reader.Workspace("WORKSPACE_MODE"),
                KeepWorkspaces = reader.Boolean("WORKSPACE_KEEP"),
                EnabledTools = reader.ToolNames("ENABLED_TOOLS"),
                McpToolPatterns = reader.McpToolPatterns("ENABLED_TOOLS"),
#if GATEWAY_RLM
                // Finite ranges only: Jint takes its largest values as "no limit" (design trap 20).
                ReplLimits = ReplLimits.Default with
                {
                    TurnTime = reader.Seconds("RLM_TURN_SECONDS"),
                    MaxStatements = reader.Integer("RLM_MAX_STATEMENTS", 1_000, 1_000_000_000),
                    MemoryBytes = reader.Integer("RLM_MEMORY_MB", 16, 64 * 1024) * Mebibyte,
                },
#endif
            },
            Resume = new ResumeOptions
            {
                Grace = TimeSpan.FromSeconds(reader.Integer("RESUME_GRACE_SECONDS", 0, 86_400)),
                BufferEvents = reader.Integer("RESUME_BUFFER_EVENTS", 1, 10_000_000),
                BufferBytes = reader.Integer("RESUME_BUFFER_BYTES", 16 * 1024, int.MaxValue),
            },
            Responses = new ResponseStoreOptions
            {
                TimeToLive = reader.Seconds("RESPONSES_TTL_SECONDS"),
                Capacity = reader.Integer("RESPONSES_MAX_STORED", 1, 1_000_000),
            },
            SandboxMode = reader.Sandbox("BASH_SANDBOX"),
            Sandbox = new BashSandbox
            {
                Network = reader.Boolean("BASH_NETWORK"),
                MaxProcesses = reader.Integer("BASH_MAX_PROCESSES", 1, 1_000_000),
                MaxMemoryMegabytes = reader.Integer("BASH_MAX_MEMORY_MB", 16, 1 << 24),
                CpuSeconds = reader.Integer("BASH_CPU_SECONDS", 1, 86_400),
                // Not root: setpriv cannot change the uid, and commands keep the gateway's own (docs/security.md).
                UserBase = BashSandbox.GatewayIsRoot ? reader.Integer("BASH_UID_BASE", 1000, int.MaxValue - 100_000) : null,
            },
            Providers = providers,
            Upstream = new UpstreamHttpOptions
            {
                FirstByteTimeout = reader.Seconds("UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS"),
                IdleTimeout = reader.Seconds("UPSTREAM_IDLE_TIMEOUT_SECONDS"),
            },
            Local = local,
            Mock = mock,
            Mcp = new McpOptions(
                reader.FilePath("MCP_SERVERS_FILE"),
                reader.Seconds("MCP_TOOL_TIMEOUT_SECONDS"),
                reader.Seconds("MCP_START_TIMEOUT_SECONDS"),
                reader.McpSandbox("MCP_SANDBOX"),
                reader.Seconds("MCP_RESTART_MAX_SECONDS")),
            Cluster = reader.Cluster(),
        };
    }

    /// <summary>The <c>--help</c> text: usage, then every variable with its default.</summary>
    public static string HelpText()
    {
        var lines = new List<string>
        {
            "Gateway: an LLM agent gateway over HTTP/1.1 and Server-Sent Events.",
            "",
            "Usage: gateway [--help]",
            "",
            "Configuration is read from environment variables:",
            "",
        };
        var width = Variables.Max(v => v.Name.Length) + 2;
        foreach (var v in Variables)
        {
            lines.Add($"  {v.Name.PadRight(width)}{v.Description} (default: {v.Default ?? "unset"})");
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Reads one variable at a time, falling back to the table's default.</summary>
    private readonly struct VariableReader(Func<string, string?> variable)
    {
        public string? Text(string name)
        {
            var value = variable(name);
            return string.IsNullOrWhiteSpace(value) ? Variables.First(v => v.Name == name).Default : value.Trim();
        }

        /// <summary>An existing directory as a full path; the working directory when unset.</summary>
        public string Directory(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return Environment.CurrentDirectory;
            }
            return System.IO.Directory.Exists(text)
                ? Path.GetFullPath(text)
                : throw new ConfigurationException($"{name}={text}: no such directory.");
        }

        /// <summary>MODELS_DIR as a full path: a set value must exist; unset, the shared models directory when present, else ./models (which may not exist: no local models).</summary>
        public string ModelsDirectory(string name)
        {
            var value = variable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                return Path.GetFullPath(System.IO.Directory.Exists(SharedModelsDirectory) ? SharedModelsDirectory : FallbackModelsDirectory);
            }
            value = value.Trim();
            return System.IO.Directory.Exists(value)
                ? Path.GetFullPath(value)
                : throw new ConfigurationException($"{name}={value}: no such directory.");
        }

        /// <summary>The built-in tools (SPEC §7) the list names, or the error naming unknown ones; MCP names go to <see cref="McpToolPatterns"/>.</summary>
        public IReadOnlySet<string> ToolNames(string name)
        {
            var names = List(name).Where(n => !AgentOptions.IsMcpToolPattern(n)).ToList();
            var unknown = names.Where(n => !AgentOptions.BuiltInToolNames.Contains(n)).ToList();
            return unknown.Count == 0
                ? names.ToHashSet(StringComparer.Ordinal)
                : throw new ConfigurationException($"{name}: unknown tool(s) {string.Join(", ", unknown)}; the tools are {string.Join(", ", AgentOptions.BuiltInToolNames)} and mcp__<server>__<tool> names or globs.");
        }

        /// <summary>The MCP tool names and globs the list names, unchecked: their servers list their tools only once running.</summary>
        public string[] McpToolPatterns(string name) => [.. List(name).Where(AgentOptions.IsMcpToolPattern)];

        /// <summary>Bearer keys; set but naming none (<c>","</c>, <c>" "</c>) is refused rather than read as "no authentication".</summary>
        public string[] Keys(string name)
        {
            var keys = List(name);
            return keys.Length > 0 || variable(name) is not { } value
                ? keys
                : throw new ConfigurationException($"{name}=\"{value}\" names no key: give comma-separated keys, or unset it to run without authentication.");
        }

        public string[] List(string name) =>
            Text(name)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];

        public bool Boolean(string name) => Choice(name, ("true", true), ("false", false), ("1", true), ("0", false));

        public int Integer(string name, int min, int max)
        {
            var text = Text(name);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ConfigurationException($"{name}={text}: expected a whole number from {min} to {max}.");
        }

        public double Number(string name, double min, double max)
        {
            var text = Text(name);
            return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ConfigurationException($"{name}={text}: expected a number from {Invariant(min)} to {Invariant(max)}.");
        }

        public TimeSpan Seconds(string name)
        {
            var text = Text(name);
            return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= 86_400
                ? TimeSpan.FromSeconds(value)
                : throw new ConfigurationException($"{name}={text}: expected a number of seconds above 0 and at most 86400.");
        }

        public Uri Url(string name)
        {
            var text = Text(name);
            return ProvidersFile.TryParseBaseUrl(text, out var uri)
                ? uri!
                : throw new ConfigurationException($"{name}={text}: expected an absolute http or https URL.");
        }

        /// <summary>REDIS_URL and its timings; the URL's error never repeats it, as it may hold a password.</summary>
        public ClusterOptions Cluster()
        {
            var url = Text("REDIS_URL");
            RedisAddress? redis = null;
            if (url is not null && !RedisUrl.TryParse(url, out redis, out var error))
            {
                throw new ConfigurationException($"REDIS_URL: {error}.");
            }
#if !GATEWAY_CLUSTER
            if (redis is not null)
            {
                throw new ConfigurationException("REDIS_URL is set, but this gateway was built without the Redis client (-p:GatewayCluster=false).");
            }
#endif
            var options = new ClusterOptions
            {
                Redis = redis,
                Heartbeat = Seconds("CLUSTER_HEARTBEAT_SECONDS"),
                TimeToLive = Seconds("CLUSTER_TTL_SECONDS"),
                RelayTimeout = Seconds("CLUSTER_RELAY_TIMEOUT_SECONDS"),
            };
            return options.TimeToLive > options.Heartbeat
                ? options
                : throw new ConfigurationException("CLUSTER_TTL_SECONDS must be above CLUSTER_HEARTBEAT_SECONDS, or registrations expire between heartbeats.");
        }

        /// <summary>The keys file's full path (a reload must find it whatever the working directory), or null when unset.</summary>
        public string? FilePath(string name) => Text(name) is { } path ? Path.GetFullPath(path) : null;

        /// <summary>The keys file's keys, read as a reload reads them (<see cref="KeysFile.Load"/>).</summary>
        public List<ClientKey> NamedKeys(string name, string? path, IEnumerable<string> apiKeys)
        {
            if (path is null)
            {
                return [];
            }
            try
            {
                return KeysFile.Load(path, [.. BearerKeyAuthenticator.Unlimited(apiKeys)]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new ConfigurationException($"{name}={path}: {e.Message}");
            }
        }

        /// <summary>Built-in upstreams with a key, then the file's; names must be unique as they prefix model ids.</summary>
        public List<ProviderEndpoint> Providers()
        {
            var providers = new List<ProviderEndpoint>();
            foreach (var (name, protocol, keyVariable, urlVariable, styleVariable, promptCacheKey) in s_builtInProviders)
            {
                if (Text(keyVariable) is { } key)
                {
                    var style = styleVariable is null ? protocol : OpenAiStyle(styleVariable);
                    providers.Add(new ProviderEndpoint(name, style, Url(urlVariable), key) { PromptCacheKey = promptCacheKey });
                }
            }
            if (Text("PROVIDERS_FILE") is { } path)
            {
                try
                {
                    providers.AddRange(ProvidersFile.Parse(File.ReadAllBytes(path)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    throw new ConfigurationException($"PROVIDERS_FILE={path}: {e.Message}");
                }
            }
            if (providers.Any(p => p.Name == LocalModelProvider.ProviderName))
            {
                throw new ConfigurationException($"PROVIDERS_FILE: the provider name '{LocalModelProvider.ProviderName}' is reserved for the in-process models (MODELS_DIR).");
            }
            var duplicate = providers.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            return duplicate is null
                ? providers
                : throw new ConfigurationException($"Provider name '{duplicate.Key}' is configured twice (PROVIDERS_FILE names must differ from each other and from the built-in providers in use).");
        }

        public IPAddress Address(string name)
        {
            var text = Text(name);
            if (text == "localhost")
            {
                return IPAddress.Loopback;
            }
            return IPAddress.TryParse(text, out var address)
                ? address
                : throw new ConfigurationException($"{name}={text}: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::.");
        }

        public ProviderProtocol OpenAiStyle(string name) => Choice(name, ("chat", ProviderProtocol.OpenAiCompatible), ("responses", ProviderProtocol.OpenAiResponses));

        public LogFormat Format(string name) => Choice(name, ("text", LogFormat.Text), ("json", LogFormat.Json));

        public WorkspaceMode Workspace(string name) => Choice(name, ("shared", WorkspaceMode.Shared), ("session", WorkspaceMode.Session));

        public SandboxMode Sandbox(string name) => Choice(name, ("auto", SandboxMode.Auto), ("bwrap", SandboxMode.Bwrap), ("none", SandboxMode.None));

        public string McpSandbox(string name) => Choice(name, ("auto", "auto"), ("none", "none"), ("bwrap", "bwrap"));

        public LogLevel Level(string name) => Choice(
            name, ("debug", LogLevel.Debug), ("info", LogLevel.Info), ("warning", LogLevel.Warning), ("warn", LogLevel.Warning), ("error", LogLevel.Error), ("none", LogLevel.None));

        /// <summary>The value named by the variable, case-insensitive; an error lists each value by its first name.</summary>
        private T Choice<T>(string name, params (string Text, T Value)[] choices)
        {
            var text = Text(name);
            foreach (var (choice, value) in choices)
            {
                if (string.Equals(text, choice, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
            var names = choices.DistinctBy(c => c.Value).Select(c => c.Text).ToArray();
            throw new ConfigurationException($"{name}={text}: expected {string.Join(", ", names[..^1])} or {names[^1]}.");
        }
    }
}
