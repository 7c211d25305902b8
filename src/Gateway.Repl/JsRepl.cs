using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Gateway.Repl;

/// <summary>
/// The JavaScript REPL of one RLM run (SPEC §8, design §1.3–§1.5): one Jint engine whose top-level declarations persist
/// across turns, each turn one engine entry on a dedicated thread under the per-turn limits. The script reaches the
/// outside only through the host functions of <c>JsRepl.Functions.cs</c>; no CLR interop is enabled.
/// </summary>
public sealed partial class JsRepl : IDisposable
{
    private const string ThreadName = "rlm repl";
    private readonly Engine _engine;
    private readonly IReplHost _host;
    private readonly ReplLimits _limits;
    private readonly ReplClock _clock;
    private readonly TurnCancellation _cancellation = new();
    private ReplTurn? _turn;
    private int _running;

    public JsRepl(string context, IReplHost host, ReplLimits limits, TimeProvider clock)
    {
        _host = host;
        _limits = limits;
        _clock = new ReplClock(clock);
        _engine = new Engine(options =>
        {
            options.LimitMemory(limits.MemoryBytes);
            options.MaxStatements(limits.MaxStatements);
            options.RegexTimeoutInterval(limits.RegexTimeout);
            options.Constraints.MaxArraySize = limits.MaxArrayLength;
            // A catchable RangeError on deep recursion; LimitRecursion would end the turn uncatchably (design trap 19).
            options.Constraints.StackOverflowGuard = true;
            options.Json.MaxParseDepth = ReplLimits.MaxJsonParseDepth;
            options.Constraint(_clock);
            options.Constraint(_cancellation);
        });
        DefineGlobals(context);
    }

    /// <summary>
    /// Runs one turn's code on a new thread with the configured stack; throws <see cref="OperationCanceledException"/>
    /// when <paramref name="token"/> is cancelled (a running script and a host wait both stop).
    /// </summary>
    public Task<ReplTurnResult> RunTurnAsync(string code, CancellationToken token)
    {
        if (token.IsCancellationRequested)
        {
            return Task.FromCanceled<ReplTurnResult>(token);
        }
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("A REPL runs one turn at a time.");
        }
        var completion = new TaskCompletionSource<ReplTurnResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Host functions block this thread, so it is never a pool thread; a new one per turn gets the full stack.
        var thread = new Thread(() => RunOnThread(code, token, completion), _limits.StackBytes)
        {
            IsBackground = true,
            Name = ThreadName,
        };
        thread.Start();
        return completion.Task;
    }

    /// <summary>Drops the engine; call it between turns (the run awaits its last turn first).</summary>
    public void Dispose() => _engine.Dispose();

    private void RunOnThread(string code, CancellationToken token, TaskCompletionSource<ReplTurnResult> completion)
    {
        ReplTurnResult? result = null;
        Exception? failure = null;
        try
        {
            result = RunTurn(code, token);
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        // Free before completing: the awaiting run may start its next turn at once.
        Volatile.Write(ref _running, 0);
        if (result is not null)
        {
            completion.SetResult(result);
        }
        else if (failure is OperationCanceledException)
        {
            completion.SetCanceled(token);
        }
        else
        {
            completion.SetException(failure!);
        }
    }

    private ReplTurnResult RunTurn(string code, CancellationToken token)
    {
        var turn = new ReplTurn(token, _limits.MaxOutputChars);
        _turn = turn;
        _cancellation.Token = token;
        _clock.Begin(_limits.TurnTime);
        string? error;
        try
        {
            // One entry per turn: Jint resets its statement and memory budgets on every entry (design trap 4).
            _engine.Evaluate(ReplRewriter.Rewrite(code));
            error = turn.Settled ? turn.Rejection : ReplErrors.NeverSettles;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (JavaScriptException exception)
        {
            error = ThrownText(exception.Error);
        }
        catch (Exception exception)
        {
            error = ReplErrors.Describe(exception, _limits);
        }
        finally
        {
            _clock.End();
            _cancellation.Token = CancellationToken.None;
            _turn = null;
        }
        return turn.Finish(error);
    }

    /// <summary>What a thrown value reads as: <c>String(value)</c>, so an Error is "Name: message" (lead's D3).</summary>
    private static string ThrownText(JsValue value)
    {
        try
        {
            return WellFormed.From(TypeConverter.ToString(value));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Its toString threw, or ran into a limit: the turn still ends with a text.
            return "Uncaught value that cannot be converted to a string";
        }
    }
}
