using System.Globalization;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Gateway.Repl;

/// <summary>
/// The globals the script sees (SPEC §8): <c>context</c>, <c>print</c>, <c>console</c>, <c>FINAL</c>,
/// <c>FINAL_VAR</c>, <c>llm_query</c>, <c>exec</c>. All are Jint's own function objects, never CLR delegates, and
/// they index their arguments with <c>for</c>: enumerating Jint's argument array through LINQ aborts the native-AOT
/// process (design trap 1).
/// </summary>
public sealed partial class JsRepl
{
    /// <summary>The longest <c>llm_query</c> prompt: data belongs in the context argument (origin's subPromptBudget).</summary>
    private const int MaxPromptChars = 10_000;

    /// <summary>Where each <c>console</c> method writes: warnings and errors to stderr, as the origin's REPL did.</summary>
    private static readonly (string Name, ReplStream Stream)[] ConsoleMethods =
    [
        ("log", ReplStream.Stdout), ("info", ReplStream.Stdout), ("debug", ReplStream.Stdout),
        ("warn", ReplStream.Stderr), ("error", ReplStream.Stderr),
    ];

    private void DefineGlobals(string context)
    {
        _engine.SetValue("context", context);
        Define(_engine.Global, "print", (_, arguments) => Write(arguments, ReplStream.Stdout));
        var console = new JsObject(_engine);
        foreach (var (name, stream) in ConsoleMethods)
        {
            Define(console, name, (_, arguments) => Write(arguments, stream));
        }
        _engine.SetValue("console", console);
        Define(_engine.Global, "FINAL", Final);
        Define(_engine.Global, "FINAL_VAR", FinalVar);
        Define(_engine.Global, "llm_query", LlmQuery);
        Define(_engine.Global, "exec", Exec);
        // Not enumerable, not writable: the wrapper's report of how the turn's body ended (ReplRewriter).
        _engine.Global.DefineOwnProperty(ReplRewriter.SettleFunction, new PropertyDescriptor(
            new ClrFunction(_engine, ReplRewriter.SettleFunction, Settle), PropertyFlag.None));
    }

    private void Define(ObjectInstance target, string name, Func<JsValue, JsValue[], JsValue> function) =>
        target.Set(name, new ClrFunction(_engine, name, function));

    private ReplTurn Turn => _turn ?? throw new InvalidOperationException("REPL functions run only inside a turn.");

    /// <summary><c>print(...a)</c>: <c>a.map(String).join(" ")</c> as one line (origin).</summary>
    private JsValue Write(JsValue[] arguments, ReplStream stream)
    {
        var line = new StringBuilder();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                line.Append(' ');
            }
            line.Append(TypeConverter.ToString(arguments[i]));
        }
        var text = WellFormed.From(line.ToString());
        Turn.Output.AddLine(text);
        _host.Progress(text + "\n", stream);
        return JsValue.Undefined;
    }

    /// <summary><c>FINAL(x)</c>: records <c>String(x)</c>; the code runs on and the last call wins.</summary>
    private JsValue Final(JsValue thisObject, JsValue[] arguments)
    {
        Turn.FinalAnswer = WellFormed.From(TypeConverter.ToString(Argument(arguments, 0)));
        return JsValue.Undefined;
    }

    /// <summary><c>FINAL_VAR(name)</c>: <c>FINAL</c> of a top-level variable; an unknown name throws (lead's D4).</summary>
    private JsValue FinalVar(JsValue thisObject, JsValue[] arguments)
    {
        var name = TypeConverter.ToString(Argument(arguments, 0));
        if (!_engine.Global.HasProperty(name))
        {
            throw ScriptError("FINAL_VAR: no variable named " + name);
        }
        Turn.FinalAnswer = WellFormed.From(TypeConverter.ToString(_engine.Global.Get(name)));
        return JsValue.Undefined;
    }

    /// <summary><c>llm_query(prompt, context?)</c>: blocks this thread on the host; the script may <c>await</c> it.</summary>
    private JsValue LlmQuery(JsValue thisObject, JsValue[] arguments)
    {
        var prompt = WellFormed.From(TypeConverter.ToString(Argument(arguments, 0)));
        var context = OptionalString(Argument(arguments, 1));
        if (prompt.Length > MaxPromptChars)
        {
            // The origin's text, word for word.
            throw ScriptError(string.Create(CultureInfo.InvariantCulture,
                $"llm_query prompt exceeds {MaxPromptChars} char limit (got {prompt.Length}). Keep instructions short — pass data as the second argument (context)."));
        }
        return WaitForHost(token => _host.LlmQueryAsync(prompt, context, token));
    }

    /// <summary><c>exec(command, timeout?)</c> → <c>{stdout, stderr, exitCode}</c>.</summary>
    private JsValue Exec(JsValue thisObject, JsValue[] arguments)
    {
        var command = WellFormed.From(TypeConverter.ToString(Argument(arguments, 0)));
        var timeout = Argument(arguments, 1);
        double? timeoutSeconds = IsAbsent(timeout) ? null : TypeConverter.ToNumber(timeout);
        var result = WaitForHost(token => _host.ExecAsync(command, timeoutSeconds, token));
        var value = new JsObject(_engine);
        value.Set("stdout", result.Stdout);
        value.Set("stderr", result.Stderr);
        value.Set("exitCode", result.ExitCode);
        return value;
    }

    private JsValue Settle(JsValue thisObject, JsValue[] arguments)
    {
        Turn.Settle(TypeConverter.ToBoolean(Argument(arguments, 0)) ? null : ThrownText(Argument(arguments, 1)));
        return JsValue.Undefined;
    }

    /// <summary>
    /// Blocks the REPL thread on host work with the JS clock paused. The work runs on the pool so its allocations are
    /// not charged to the script's memory budget (design traps 3, 16); a <see cref="ReplHostException"/> becomes an
    /// Error the script can catch, cancellation ends the turn.
    /// </summary>
    private T WaitForHost<T>(Func<CancellationToken, Task<T>> work)
    {
        var token = Turn.Token;
        using var pause = _clock.Pause();
        try
        {
            return Task.Run(() => work(token), token).WaitAsync(token).GetAwaiter().GetResult();
        }
        catch (ReplHostException exception)
        {
            throw ScriptError(exception.Message);
        }
    }

    private JavaScriptException ScriptError(string message) =>
        new(_engine.Intrinsics.Error, WellFormed.From(message));

    private static JsValue Argument(JsValue[] arguments, int index) =>
        index < arguments.Length ? arguments[index] : JsValue.Undefined;

    private static bool IsAbsent(JsValue value) => value.IsUndefined() || value.IsNull();

    private static string? OptionalString(JsValue value) =>
        IsAbsent(value) ? null : WellFormed.From(TypeConverter.ToString(value));
}
