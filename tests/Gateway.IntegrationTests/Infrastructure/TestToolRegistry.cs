using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Tools;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Small tools for agent-loop tests. Every wait inside a tool is bounded by <see cref="WaitLimit"/>, after
/// which the tool fails instead of hanging, so a broken server fails the test rather than stalling it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>echo {text}</c>: context <c>echo: &lt;text&gt;</c>, result <c>{"text":…}</c>.</item>
/// <item><c>data {value}</c>: no context, result <c>{"value":…}</c>.</item>
/// <item><c>fail {message}</c>: <see cref="ToolResult.Failure"/> with the message.</item>
/// <item><c>crash</c>: throws (a tool that breaks the registry's contract).</item>
/// <item><c>slow {ms}</c>: waits; <see cref="SlowStarted"/> and <see cref="SlowCancelled"/> report it.</item>
/// <item><c>barrier {parties}</c>: completes only once that many barrier calls are in flight together.</item>
/// <item><c>wait {key}</c> / <c>signal {key}</c>: wait completes only after the signal call of the same key ran.</item>
/// <item><c>stubborn {seconds}</c>: ignores cancellation and waits that long on <see cref="Clock"/>, then writes into its session's
///   <see cref="ToolContext"/> (a file read named <c>late-write</c>); <see cref="StubbornStarted"/> and <see cref="StubbornFinished"/> report it.</item>
/// <item><c>files</c>: context is the session's files read so far, comma-separated, or <c>(none)</c>.</item>
/// </list>
/// </remarks>
internal sealed class TestToolRegistry : IToolRegistry
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _slowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stubbornStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stubbornFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource> _barrierWaiters = [];
    private int _inFlight;
    private int _maxInFlight;

    public IReadOnlyList<ToolDefinition> Definitions { get; } =
    [
        Define("echo", """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""),
        Define("data", """{"type":"object","properties":{"value":{}}}"""),
        Define("fail", """{"type":"object","properties":{"message":{"type":"string"}}}"""),
        Define("crash", """{"type":"object"}"""),
        Define("slow", """{"type":"object","properties":{"ms":{"type":"integer"}}}"""),
        Define("barrier", """{"type":"object","properties":{"parties":{"type":"integer"}}}"""),
        Define("wait", """{"type":"object","properties":{"key":{"type":"string"}}}"""),
        Define("signal", """{"type":"object","properties":{"key":{"type":"string"}}}"""),
        Define("stubborn", """{"type":"object","properties":{"seconds":{"type":"number"}}}"""),
        Define("files", """{"type":"object"}"""),
    ];

    /// <summary>The clock <c>stubborn</c> waits on; the test steps it.</summary>
    public FakeTimeProvider Clock { get; } = new();

    /// <summary>Every invocation as <c>name arguments</c>, in the order they started.</summary>
    public ConcurrentQueue<string> Invocations { get; } = new();

    /// <summary>Every invocation as <c>name arguments</c>, in the order they finished.</summary>
    public ConcurrentQueue<string> Completions { get; } = new();

    /// <summary>The most tool invocations that were running at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Completes when a <c>slow</c> call has started waiting.</summary>
    public Task SlowStarted => _slowStarted.Task;

    /// <summary>Completes when a <c>slow</c> call observed its cancellation.</summary>
    public Task SlowCancelled => _slowCancelled.Task;

    /// <summary>Completes when a <c>stubborn</c> call has started waiting on <see cref="Clock"/>.</summary>
    public Task StubbornStarted => _stubbornStarted.Task;

    /// <summary>Completes when a <c>stubborn</c> call has written into its context.</summary>
    public Task StubbornFinished => _stubbornFinished.Task;

    public bool Contains(string name) => Definitions.Any(d => d.Name == name);

    public async ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var entry = $"{name} {arguments}";
        Invocations.Enqueue(entry);
        var running = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, running);
        try
        {
            using var document = JsonDocument.Parse(arguments.Utf8);
            var args = document.RootElement;
            return name switch
            {
                "echo" => ToolResult.Success($"echo: {Text(args, "text")}", RawJson.Parse($$"""{"text":{{JsonSerializer.Serialize(Text(args, "text"))}}}""")),
                "data" => ToolResult.Success(null, RawJson.Parse($$"""{"value":{{(args.TryGetProperty("value", out var value) ? value.GetRawText() : "null")}}}""")),
                "fail" => ToolResult.Failure(Text(args, "message")),
                "crash" => throw new InvalidOperationException("the crash tool crashed"),
                "slow" => await SlowAsync(args.GetProperty("ms").GetInt32(), cancellationToken),
                "barrier" => await BarrierAsync(args.GetProperty("parties").GetInt32(), cancellationToken),
                "wait" => await WaitAsync(Text(args, "key"), cancellationToken),
                "signal" => Signal(Text(args, "key")),
                "stubborn" => await StubbornAsync(args.GetProperty("seconds").GetDouble(), context),
                "files" => ToolResult.Success(context.ReadFiles.IsEmpty ? "(none)" : string.Join(",", context.ReadFiles.Keys.Order(StringComparer.Ordinal))),
                _ => ToolResult.Failure($"Unknown tool: {name}"),
            };
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Completions.Enqueue(entry);
        }
    }

    private static ToolDefinition Define(string name, string schema) => new(name, $"The {name} test tool.", RawJson.Parse(schema));

    private static string Text(JsonElement args, string name) =>
        args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private async Task<ToolResult> SlowAsync(int milliseconds, CancellationToken cancellationToken)
    {
        _slowStarted.TrySetResult();
        try
        {
            await Task.Delay(milliseconds, cancellationToken);
            return ToolResult.Success($"slept {milliseconds} ms");
        }
        catch (OperationCanceledException)
        {
            _slowCancelled.TrySetResult();
            throw;
        }
    }

    /// <summary>A tool that ignores cancellation, as a badly written one might; only a bound far beyond any test step ends it otherwise.</summary>
    private async Task<ToolResult> StubbornAsync(double seconds, ToolContext context)
    {
        var delay = Task.Delay(TimeSpan.FromSeconds(seconds), Clock);
        _stubbornStarted.TrySetResult();
        try
        {
            await delay.WaitAsync(WaitLimit * 6);
        }
        catch (TimeoutException)
        {
            return ToolResult.Failure("the test never stepped the stubborn tool's clock");
        }
        context.ReadFiles["late-write"] = DateTime.UnixEpoch;
        _stubbornFinished.TrySetResult();
        return ToolResult.Success($"stubborn for {seconds} s");
    }

    private async Task<ToolResult> BarrierAsync(int parties, CancellationToken cancellationToken)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _barrierWaiters.Add(arrived);
            if (_barrierWaiters.Count >= parties)
            {
                _barrierWaiters.ForEach(w => w.TrySetResult());
            }
        }
        try
        {
            await arrived.Task.WaitAsync(WaitLimit, cancellationToken);
            return ToolResult.Success($"passed with {parties} in flight");
        }
        catch (TimeoutException)
        {
            return ToolResult.Failure($"barrier timed out: fewer than {parties} calls ran at once");
        }
    }

    private async Task<ToolResult> WaitAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await SignalOf(key).Task.WaitAsync(WaitLimit, cancellationToken);
            return ToolResult.Success($"waited for {key}");
        }
        catch (TimeoutException)
        {
            return ToolResult.Failure($"no signal {key} while waiting");
        }
    }

    private ToolResult Signal(string key)
    {
        SignalOf(key).TrySetResult();
        return ToolResult.Success($"signalled {key}");
    }

    private TaskCompletionSource SignalOf(string key) =>
        _signals.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
