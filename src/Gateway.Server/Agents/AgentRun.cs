using System.Globalization;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Events;
using Gateway.Server.Providers;

namespace Gateway.Server.Agents;

/// <summary>One agent's run of the loop of SPEC §6: model turn, tool calls, permission checks, results, next turn.</summary>
/// <remarks>
/// Every run is framed by harness_start and harness_end, also when a turn fails. Ids on the wire: a model call's events
/// are its own (<see cref="ModelTurn"/>); tool events carry this run's id, and the parentId of the agent tool call that
/// spawned this run (absent for the root).
/// </remarks>
internal sealed partial class AgentRun : IRunIds
{
    /// <summary>harness_end's reason for a run whose model call failed.</summary>
    public const string ErrorReason = "error";

    /// <summary>harness_end's reason for a run that used its maxIterations turns (SPEC §6).</summary>
    public const string MaxIterationsReason = "max_iterations";

    /// <summary>The agents' names on their spans (gen_ai.agent.name).</summary>
    private const string RootAgentName = "gateway";
    private const string SubagentName = "subagent";

    private readonly AgentOrchestrator _session;
    private readonly ChatRequest _request;
    private readonly IToolRegistry _tools;
    private readonly int _depth;

    public AgentRun(AgentOrchestrator session, ChatRequest request, IToolRegistry tools, int depth, string? parentId)
    {
        _session = session;
        _request = request;
        _tools = tools;
        _depth = depth;
        ParentId = parentId;
    }

    public string RunId { get; } = Ids.New();

    public string AgentId { get; } = Ids.New();

    /// <summary>The namespaced id of the agent tool call that spawned this run; null for the root.</summary>
    public string? ParentId { get; }

    public async Task<AgentOutcome> RunAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = GatewayTracing.StartAgent(_depth == 0 ? RootAgentName : SubagentName, AgentId, _session.SessionId);
        await _session.StartRunAsync(this, new HarnessStartEvent
        {
            RunId = RunId,
            AgentId = AgentId,
            ParentId = ParentId,
            Depth = _depth > 0 ? _depth : null,
        }).ConfigureAwait(false);

        var history = new List<ChatMessage>(messages);
        var outcome = new AgentOutcome("", null);
        string? endReason = null;
        for (var turnNumber = 1; ; turnNumber++)
        {
            // A tool that ignored the session's end must not lead into another model call.
            cancellationToken.ThrowIfCancellationRequested();
            // After maxIterations turns that all called tools, one more turn without tools to sum up.
            var summarising = turnNumber > _request.MaxIterations;
            if (summarising)
            {
                history.Add(ChatMessage.System(SummaryInstruction(_request.MaxIterations)));
            }

            // Read each turn: MCP servers' tools come and go while a run goes on (issue 18).
            var turn = await RunModelTurnAsync(history, summarising ? [] : OfferedTools(), Options(turnNumber == 1 && !summarising), cancellationToken).ConfigureAwait(false);
            if (turn.Error is { } error)
            {
                outcome = new AgentOutcome(turn.Answer, error);
                endReason = ErrorReason;
                GatewayTracing.RecordError(activity, "model_call_failed");
                break;
            }
            outcome = new AgentOutcome(turn.Answer, null, ReachedMaxIterations: summarising);
            if (summarising)
            {
                endReason = MaxIterationsReason;
                break;
            }
            if (turn.ToolCalls.Count == 0)
            {
                break;
            }
            // Usage is known only after a turn: a session that would go on after its key's tokens ran out ends here, as a whole.
            if (_request.Budget is { IsSpent: true })
            {
                throw new TokenBudgetSpentException();
            }
            history.Add(ChatMessage.Assistant(turn.Answer, turn.ToolCalls, turn.Reasoning));
            await RunToolCallsAsync(turn.ToolCalls, history, cancellationToken).ConfigureAwait(false);
        }

        await _session.EndRunAsync(this, new HarnessEndEvent { RunId = RunId, AgentId = AgentId, ParentId = ParentId, Reason = endReason }).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>The registry's tools, plus <c>agent</c> while it is enabled and subagents may still nest deeper (SPEC §6).</summary>
    private IReadOnlyList<ToolDefinition> OfferedTools() =>
        OffersAgentTool ? [.. _tools.Definitions, AgentTool.Definition] : _tools.Definitions;

    private bool OffersAgentTool => OffersAgentToolAt(_depth, _request.MaxDepth, _session.SubagentsEnabled);

    private bool IsOffered(string name) => _tools.Contains(name) || (name == AgentTool.Name && OffersAgentTool);

    /// <summary>Whether the root agent of a session with <paramref name="maxDepth"/> is offered <paramref name="name"/>, as /chat's toolChoice must name one.</summary>
    public static bool RootOffers(IToolRegistry tools, AgentOptions options, string name, int maxDepth) =>
        tools.Contains(name) || (name == AgentTool.Name && OffersAgentToolAt(0, maxDepth, options.SubagentsEnabled));

    private static bool OffersAgentToolAt(int depth, int maxDepth, bool subagentsEnabled) => depth < maxDepth && subagentsEnabled;

    /// <summary>The request's toolChoice binds the root's first turn only, so the loop can end (SPEC §3); its reasoningEffort binds every turn.</summary>
    private TurnOptions Options(bool firstToolTurn)
    {
        var toolChoice = _depth == 0 && firstToolTurn ? _request.ToolChoice : default;
        // The shared default when nothing is asked, so a plain session allocates no options (perf/allocation-budget.json).
        return toolChoice == default && _request.ReasoningEffort is null
            ? TurnOptions.Default
            : new TurnOptions { ToolChoice = toolChoice, ReasoningEffort = _request.ReasoningEffort };
    }

    private static string SummaryInstruction(int maxIterations) => string.Create(CultureInfo.InvariantCulture,
        $"You have reached the iteration limit ({maxIterations} turns) and can no longer call tools. Summarise what you have done and found so far, and what remains to be done.");

    /// <summary>Streams one model call, forwarding deltas as they arrive, then reports its usage or its failure.</summary>
    private async Task<TurnResult> RunModelTurnAsync(
        List<ChatMessage> history, IReadOnlyList<ToolDefinition> tools, TurnOptions options, CancellationToken cancellationToken)
    {
        _session.Tally.AddTurn();
        using var turn = new ModelTurn(_session, runId: Ids.New(), parentId: RunId, AgentId);
        // A snapshot: the history grows after the turn, and a provider may keep its request (retries, logs).
        var request = new ModelTurnRequest(_request.ProviderModel, [.. history], tools) { Options = options, SessionId = _session.SessionId };
        await turn.RunAsync(_request, request, cancellationToken).ConfigureAwait(false);
        // The root's last answer goes nowhere but the client's stream: its text is needed for the history or a parent's result.
        var answer = turn.ToolCalls.Count > 0 || _depth > 0 ? turn.Answer : "";
        return new TurnResult(answer, turn.ToolCalls, turn.ReasoningItems, turn.Error);
    }

    /// <summary>What the loop takes from a model call once it has ended.</summary>
    private readonly record struct TurnResult(string Answer, IReadOnlyList<ToolCallRequest> ToolCalls, IReadOnlyList<ReasoningItem> Reasoning, string? Error);
}
