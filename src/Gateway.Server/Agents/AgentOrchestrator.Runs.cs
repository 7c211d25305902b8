using Gateway.Server.Events;

namespace Gateway.Server.Agents;

internal sealed partial class AgentOrchestrator
{
    private readonly Lock _runsGate = new();

    /// <summary>Runs between their harness_start and harness_end, in start order: a subagent always comes after the run that spawned it.</summary>
    private readonly List<IRunIds> _openRuns = [];

    /// <summary>The session has failed as a whole and its open runs were ended for it; no run starts or ends on its own after that.</summary>
    private bool _runsFailed;

    /// <summary>Emits a run's harness_start; the run counts as open until <see cref="EndRunAsync"/>.</summary>
    public ValueTask StartRunAsync(IRunIds run, in HarnessStartEvent start)
    {
        lock (_runsGate)
        {
            if (_runsFailed)
            {
                return ValueTask.CompletedTask;
            }
            _openRuns.Add(run);
            // Queued under the lock, so a failing session ends every run the client saw start.
            Queue(start);
        }
        return FlushAsync();
    }

    /// <summary>Emits a run's harness_end, unless the failing session has already ended the run.</summary>
    public ValueTask EndRunAsync(IRunIds run, in HarnessEndEvent end)
    {
        lock (_runsGate)
        {
            if (!_openRuns.Remove(run))
            {
                return ValueTask.CompletedTask;
            }
            Queue(end);
        }
        return FlushAsync();
    }

    /// <summary>
    /// SPEC §5: every run that started ends with harness_end, also when the session fails as a whole. Sends the
    /// session's error, then ends each run still open with reason "error", innermost first.
    /// </summary>
    private async Task FailOpenRunsAsync(ErrorEvent error)
    {
        IRunIds[] open;
        lock (_runsGate)
        {
            _runsFailed = true;
            open = [.. _openRuns];
            _openRuns.Clear();
        }
        Queue(error);
        for (var i = open.Length - 1; i >= 0; i--)
        {
            var run = open[i];
            Queue(new HarnessEndEvent { RunId = run.RunId, AgentId = run.AgentId, ParentId = run.ParentId, Reason = AgentRun.ErrorReason });
        }
        // The session's token may be cancelled already (the server is stopping): the flush is bounded by the write timeout.
        await _events.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Forgets the runs of the last session, keeping no more list than a new orchestrator has.</summary>
    private void ResetRuns()
    {
        lock (_runsGate)
        {
            _openRuns.Clear();
            _openRuns.TrimExcess();
            _runsFailed = false;
        }
    }
}
