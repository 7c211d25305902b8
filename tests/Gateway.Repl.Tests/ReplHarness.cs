using Microsoft.Extensions.Time.Testing;

namespace Gateway.Repl.Tests;

/// <summary>A REPL over a <see cref="FakeReplHost"/> and a clock the test steps; every wait is bounded.</summary>
internal sealed class ReplHarness : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public ReplHarness(ReplLimits? limits = null, string context = "")
    {
        Repl = new JsRepl(context, Host, limits ?? ReplLimits.Default, Clock);
    }

    public FakeReplHost Host { get; } = new();

    public FakeTimeProvider Clock { get; } = new();

    public JsRepl Repl { get; }

    public Task<ReplTurnResult> RunAsync(string code, CancellationToken token = default) =>
        Repl.RunTurnAsync(code, token).WaitAsync(Bound, CancellationToken.None);

    /// <summary>Runs the code and returns its stdout, failing on a turn error.</summary>
    public async Task<string> PrintedAsync(string code)
    {
        var result = await RunAsync(code);
        Assert.Null(result.Error);
        return result.Stdout;
    }

    /// <summary>Waits (bounded) until the script has printed.</summary>
    public async Task WaitForPrintAsync() => Assert.True(await Host.Printed.WaitAsync(Bound));

    public void Dispose() => Repl.Dispose();
}
