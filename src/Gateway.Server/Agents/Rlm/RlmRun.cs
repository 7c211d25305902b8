using System.Runtime.ExceptionServices;
using Gateway.Repl;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Events;
using Gateway.Server.Providers;

namespace Gateway.Server.Agents.Rlm;

/// <summary>
/// One run of the Recursive Language Model harness (SPEC §8): each turn the model answers with one <c>js</c> block,
/// which runs in this run's persistent REPL, and the output is fed back, until the code calls FINAL or the turns run out.
/// </summary>
/// <remarks>
/// Ids on the wire: every event of the run (its model calls' text, reasoning and usage too, D1) carries this run's
/// id and parentId: absent for the root, the parent's current <c>repl_input</c> id for a child started by
/// <c>llm_query</c> (D7). All runs of a session share the root's agentId (D14).
/// </remarks>
internal sealed partial class RlmRun : IRunIds
{
    /// <summary>harness_end's reason for a run whose code called FINAL or FINAL_VAR.</summary>
    public const string FinalReason = "final";

    private const string AgentName = "rlm";

    private readonly AgentOrchestrator _session;
    private readonly ChatRequest _request;
    private readonly ReplLimits _limits;
    private readonly int _depth;
    private readonly string _context;
    private readonly RlmExec _exec;
    private long _inputTokens;
    private long _outputTokens;

    /// <summary>The running turn's <c>repl_input</c> id and live output; set only while its code runs.</summary>
    private string _inputId = "";
    private ReplProgressSink? _progress;

    /// <summary>What failed the session inside a host call; the REPL saw it only as its turn's error.</summary>
    private ExceptionDispatchInfo? _sessionFailure;

    private RlmRun(AgentOrchestrator session, ChatRequest request, ReplLimits limits, int depth, string? parentId, string agentId, string context)
    {
        _session = session;
        _request = request;
        _limits = limits;
        _depth = depth;
        ParentId = parentId;
        AgentId = agentId;
        _context = context;
        _exec = new RlmExec(session, request.ExecCwd);
    }

    public string RunId { get; } = Ids.New();

    public string AgentId { get; }

    /// <summary>The parent's <c>repl_input</c> id whose <c>llm_query</c> started this run; null for the root.</summary>
    public string? ParentId { get; }

    /// <summary>The session's root run over the request's <c>context</c>.</summary>
    public static RlmRun Root(AgentOrchestrator session, ChatRequest request, ReplLimits limits) =>
        new(session, request, limits, depth: 0, parentId: null, Ids.New(), request.Context);

    /// <summary>Levels of child runs that may still nest below this one (the origin's countdown of maxDepth).</summary>
    private int LevelsLeft => _request.MaxDepth - _depth;

    public async Task<AgentOutcome> RunAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = GatewayTracing.StartAgent(AgentName, AgentId, _session.SessionId);
        await _session.StartRunAsync(this, new HarnessStartEvent
        {
            RunId = RunId,
            AgentId = AgentId,
            ParentId = ParentId,
            Depth = _depth > 0 ? _depth : null,
            MaxIterations = _request.MaxIterations,
        }).ConfigureAwait(false);

        using var repl = new JsRepl(_context, this, _limits, _session.Clock);
        List<ChatMessage> history = [ChatMessage.System(RlmPrompt.System(_context)), .. messages];
        var outcome = new AgentOutcome("", null, ReachedMaxIterations: true);
        var endReason = AgentRun.MaxIterationsReason;
        var iterations = 0;
        while (iterations < _request.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Usage is known only after a turn: a session that would go on after its key's tokens ran out ends here, as a whole.
            if (iterations > 0 && _request.Budget is { IsSpent: true })
            {
                throw new TokenBudgetSpentException();
            }
            var iteration = iterations++;
            var (answer, reasoning, error) = await CallModelAsync(history, usageOnly: false, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                outcome = new AgentOutcome(answer, error);
                endReason = AgentRun.ErrorReason;
                GatewayTracing.RecordError(activity, "model_call_failed");
                break;
            }
            history.Add(ChatMessage.Assistant(answer, [], reasoning));
            if (!CodeBlock.TryExtract(answer, out var code, out var rejection))
            {
                // The origin's rule: one error event, no REPL turn, and the model is told what to fix.
                await _session.EmitAsync(new ErrorEvent { RunId = RunId, AgentId = AgentId, ParentId = ParentId, Message = rejection }).ConfigureAwait(false);
                history.Add(ChatMessage.User(ReplFeedback.Rejected(rejection)));
                continue;
            }
            var result = await RunReplTurnAsync(repl, code, iteration, cancellationToken).ConfigureAwait(false);
            history.Add(ChatMessage.User(ReplFeedback.Output(result.Stdout, result.Error)));
            if (result.Done)
            {
                var final = result.FinalAnswer ?? "";
                await _session.EmitAsync(new TextEvent { RunId = RunId, Id = Ids.New(), ParentId = ParentId, Content = final, AgentId = AgentId }).ConfigureAwait(false);
                outcome = new AgentOutcome(final, null);
                endReason = FinalReason;
                break;
            }
        }

        await _session.EndRunAsync(this, new HarnessEndEvent
        {
            RunId = RunId,
            AgentId = AgentId,
            ParentId = ParentId,
            Reason = endReason,
            Iterations = iterations,
            TotalUsage = new UsagePayload { InputTokens = _inputTokens, OutputTokens = _outputTokens },
        }).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Runs one block in the REPL between its <c>repl_input</c> and <c>repl_output</c>, its output streaming as <c>repl_progress</c>.</summary>
    private async Task<ReplTurnResult> RunReplTurnAsync(JsRepl repl, string code, int iteration, CancellationToken cancellationToken)
    {
        var inputId = Ids.New();
        await _session.EmitAsync(new ReplInputEvent { RunId = RunId, Id = inputId, ParentId = ParentId, Code = code, Iteration = iteration, AgentId = AgentId })
            .ConfigureAwait(false);
        var progress = new ReplProgressSink(_session, this, inputId);
        (_inputId, _progress) = (inputId, progress);
        var startedAt = _session.Clock.GetTimestamp();
        ReplTurnResult result;
        try
        {
            result = await repl.RunTurnAsync(code, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _progress = null;
            // Before repl_output: no progress of the turn may follow it.
            await progress.CompleteAsync().ConfigureAwait(false);
        }
        _sessionFailure?.Throw();
        await _session.EmitAsync(new ReplOutputEvent
        {
            RunId = RunId,
            Id = inputId,
            ParentId = ParentId,
            Stdout = result.Stdout,
            Error = result.Error,
            Done = result.Done,
            Iteration = iteration,
            DurationMs = (long)_session.Clock.GetElapsedTime(startedAt).TotalMilliseconds,
            Truncated = result.Truncated ? true : null,
            AgentId = AgentId,
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>One model call with no tools; its usage counts in this run's totalUsage (D5).</summary>
    /// <param name="usageOnly">An <c>llm_query</c> flat call: only its usage goes on the wire, its answer goes to the script.</param>
    private async Task<(string Answer, IReadOnlyList<ReasoningItem> Reasoning, string? Error)> CallModelAsync(List<ChatMessage> messages, bool usageOnly, CancellationToken cancellationToken)
    {
        _session.Tally.AddTurn();
        using var turn = new ModelTurn(_session, RunId, ParentId, AgentId, usageOnly);
        var options = _request.ReasoningEffort is null ? TurnOptions.Default : new TurnOptions { ReasoningEffort = _request.ReasoningEffort };
        // A snapshot: the history grows after the call, and a provider may keep its request (retries, logs).
        var request = new ModelTurnRequest(_request.ProviderModel, [.. messages], []) { Options = options, SessionId = _session.SessionId };
        await turn.RunAsync(_request, request, cancellationToken).ConfigureAwait(false);
        _inputTokens += turn.ReportedUsage.InputTokens;
        _outputTokens += turn.ReportedUsage.OutputTokens;
        return (turn.Answer, turn.ReasoningItems, turn.Error);
    }
}
