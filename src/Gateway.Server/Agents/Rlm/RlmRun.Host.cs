using System.Runtime.ExceptionServices;
using Gateway.Repl;
using Gateway.Server.Conversation;

namespace Gateway.Server.Agents.Rlm;

/// <summary>What the run's REPL calls out to: <c>llm_query</c>, <c>exec</c> and its live output (SPEC §8).</summary>
/// <remarks>Called while the REPL's thread waits (its JS clock paused), so one call at a time per run.</remarks>
internal sealed partial class RlmRun : IReplHost
{
    /// <summary>
    /// With levels left, a child run at depth + 1 over <paramref name="context"/> whose events go on the wire as they
    /// are (D7) and whose final answer is the result ("" without FINAL, D6); at the limit, one flat model call.
    /// </summary>
    public async Task<string> LlmQueryAsync(string prompt, string? context, CancellationToken token)
    {
        var data = context ?? "";
        var progress = _progress!;
        progress.Report(RlmStatusLines.Started(prompt.Length, data.Length, LevelsLeft), ReplStream.Stderr);
        // The line leaves before the child's first event.
        await progress.FlushAsync().ConfigureAwait(false);
        string? error;
        string answer;
        try
        {
            if (LevelsLeft > 0)
            {
                var child = new RlmRun(_session, _request, _limits, _depth + 1, parentId: _inputId, AgentId, data);
                var outcome = await child.RunAsync([ChatMessage.User(prompt)], token).ConfigureAwait(false);
                (answer, error) = (outcome.FinalText, outcome.Error);
            }
            else
            {
                (answer, _, error) = await CallModelAsync([ChatMessage.User(data.Length > 0 ? $"{prompt}\n\n{data}" : prompt)], usageOnly: true, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The session fails as a whole (a key's tokens spent in a child run, a bug), not just this turn: rethrown after it.
            _sessionFailure = ExceptionDispatchInfo.Capture(e);
            throw;
        }
        if (error is not null)
        {
            throw new ReplHostException($"llm_query failed: {error}");
        }
        progress.Report(RlmStatusLines.Done(answer.Length), ReplStream.Stderr);
        return answer;
    }

    public Task<ReplExecResult> ExecAsync(string command, double? timeoutSeconds, CancellationToken token) =>
        _exec.RunAsync(command, timeoutSeconds, new RlmExecCall(RunId, AgentId, ParentId, _progress!.Report), token);

    public void Progress(string chunk, ReplStream stream) => _progress?.Report(chunk, stream);
}
