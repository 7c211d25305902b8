namespace Gateway.Repl.Tests;

/// <summary>
/// The per-turn limits (design §1.5): each breach ends the turn with its fixed text, the script cannot catch it, and
/// the engine keeps its state for the next turn.
/// </summary>
public sealed class JsReplLimitTests
{
    /// <summary>Limits far above what the time tests do, so only the clock can end them.</summary>
    private static readonly ReplLimits TimeOnly = ReplLimits.Default with { MaxStatements = 2_000_000_000, MemoryBytes = 1L << 40 };

    [Fact]
    public async Task The_time_limit_counts_JS_time_and_ends_a_loop_the_script_tries_to_catch()
    {
        using var repl = new ReplHarness(TimeOnly);
        await repl.PrintedAsync("let kept = 'state'");

        var turn = repl.RunAsync("print('looping'); try { while (true) {} } catch { print('caught') }");
        await repl.WaitForPrintAsync();
        repl.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(new ReplTurnResult("looping", false, "Time limit exceeded: the code ran for more than 30 s", false, null), await turn);
        await AssertStillUsableAsync(repl);
    }

    [Fact]
    public async Task Time_spent_waiting_for_the_host_does_not_count()
    {
        using var repl = new ReplHarness(TimeOnly);
        repl.Host.LlmQuery = (_, _, _) =>
        {
            repl.Clock.Advance(TimeSpan.FromSeconds(60));
            return Task.FromResult("slow");
        };

        Assert.Equal("slow slow", await repl.PrintedAsync("const a = await llm_query('q'); const b = await llm_query('q'); let i = 0; while (i < 1000) i++; print(a, b)"));
    }

    [Fact]
    public Task The_statement_limit_ends_a_runaway_loop() => AssertBreachAsync(
        ReplLimits.Default with { MaxStatements = 10_000 },
        "try { while (true) {} } catch { print('caught') }",
        "Statement limit exceeded: the code ran more than 10000 statements");

    [Fact]
    public Task The_allocation_budget_ends_a_memory_bomb() => AssertBreachAsync(
        ReplLimits.Default with { MemoryBytes = 16L * 1024 * 1024 },
        "const hold = []; while (true) { hold.push(new Array(100).fill(1)) }",
        "Memory limit exceeded: the code allocated more than 16 MiB or made an array longer than 10000000 elements");

    [Fact]
    public Task An_array_longer_than_the_limit_is_a_memory_error() => AssertBreachAsync(
        ReplLimits.Default with { MaxArrayLength = 1_000 },
        "const a = new Array(5000).fill(0)",
        "Memory limit exceeded: the code allocated more than 512 MiB or made an array longer than 1000 elements");

    [Fact]
    public Task A_catastrophic_regular_expression_times_out() => AssertBreachAsync(
        ReplLimits.Default with { RegexTimeout = TimeSpan.FromMilliseconds(50) },
        "/(a+)+b/.test('a'.repeat(40))",
        "Regular expression timed out");

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public Task Absurdly_nested_code_is_an_error_not_a_crash(int depth) => AssertBreachAsync(
        ReplLimits.Default,
        "x = " + new string('[', depth) + new string(']', depth),
        "RangeError: Maximum call stack size exceeded");

    [Fact]
    public async Task Deep_recursion_is_a_RangeError_the_script_can_catch()
    {
        using var repl = new ReplHarness();

        Assert.Equal("caught RangeError",
            await repl.PrintedAsync("function r(n) { return r(n + 1) + 1 } try { r(0) } catch (e) { print('caught', e.name) }"));
        Assert.Equal("RangeError: Maximum call stack size exceeded", (await repl.RunAsync("r(0)")).Error);
        Assert.Equal("3", await repl.PrintedAsync("print(r.length + 2)"));
    }

    [Fact]
    public async Task JSON_parse_refuses_deep_nesting_as_a_SyntaxError()
    {
        using var repl = new ReplHarness();

        Assert.Equal("SyntaxError true", await repl.PrintedAsync("""
            try { JSON.parse('['.repeat(200) + ']'.repeat(200)) } catch (e) { print(e.name, JSON.parse('['.repeat(100) + ']'.repeat(100)).length === 1) }
            """));
    }

    [Fact]
    public async Task Cancelling_a_running_loop_ends_the_turn()
    {
        using var repl = new ReplHarness(TimeOnly);
        using var cancel = new CancellationTokenSource();

        var turn = repl.RunAsync("print('looping'); while (true) {}", cancel.Token);
        await repl.WaitForPrintAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        await AssertStillUsableAsync(repl, kept: "undefined");
    }

    /// <summary>The code breaches a limit with <paramref name="error"/>; the state of the turn before stays.</summary>
    private static async Task AssertBreachAsync(ReplLimits limits, string code, string error)
    {
        using var repl = new ReplHarness(limits);
        await repl.PrintedAsync("let kept = 'state'");

        Assert.Equal(new ReplTurnResult("", false, error, false, null), await repl.RunAsync(code));
        await AssertStillUsableAsync(repl);
    }

    private static async Task AssertStillUsableAsync(ReplHarness repl, string kept = "state") =>
        Assert.Equal("ok " + kept, await repl.PrintedAsync("print('ok', typeof kept === 'undefined' ? 'undefined' : kept)"));
}
