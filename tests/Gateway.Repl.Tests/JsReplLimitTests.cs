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
    public async Task The_statement_limit_ends_a_runaway_loop()
    {
        using var repl = new ReplHarness(ReplLimits.Default with { MaxStatements = 10_000 });
        await repl.PrintedAsync("let kept = 'state'");

        Assert.Equal("Statement limit exceeded: the code ran more than 10000 statements",
            (await repl.RunAsync("try { while (true) {} } catch { print('caught') }")).Error);
        await AssertStillUsableAsync(repl);
    }

    [Fact]
    public async Task The_allocation_budget_ends_a_memory_bomb()
    {
        using var repl = new ReplHarness(ReplLimits.Default with { MemoryBytes = 16L * 1024 * 1024 });
        await repl.PrintedAsync("let kept = 'state'");

        Assert.Equal("Memory limit exceeded: the code allocated more than 16 MiB or made an array longer than 10000000 elements",
            (await repl.RunAsync("const hold = []; while (true) { hold.push(new Array(100).fill(1)) }")).Error);
        await AssertStillUsableAsync(repl);
    }

    [Fact]
    public async Task An_array_longer_than_the_limit_is_a_memory_error()
    {
        using var repl = new ReplHarness(ReplLimits.Default with { MaxArrayLength = 1_000 });
        await repl.PrintedAsync("let kept = 'state'");

        Assert.StartsWith("Memory limit exceeded:", (await repl.RunAsync("const a = new Array(5000).fill(0)")).Error);
        await AssertStillUsableAsync(repl);
    }

    [Fact]
    public async Task Deep_recursion_is_a_RangeError_the_script_can_catch()
    {
        using var repl = new ReplHarness();

        Assert.Equal("caught RangeError",
            await repl.PrintedAsync("function r(n) { return r(n + 1) + 1 } try { r(0) } catch (e) { print('caught', e.name) }"));
        Assert.StartsWith("RangeError: ", (await repl.RunAsync("r(0)")).Error);
        Assert.Equal("3", await repl.PrintedAsync("print(r.length + 2)"));
    }

    [Fact]
    public async Task A_catastrophic_regular_expression_times_out()
    {
        using var repl = new ReplHarness(ReplLimits.Default with { RegexTimeout = TimeSpan.FromMilliseconds(50) });
        await repl.PrintedAsync("let kept = 'state'");

        Assert.Equal("Regular expression timed out", (await repl.RunAsync("/(a+)+b/.test('a'.repeat(40))")).Error);
        await AssertStillUsableAsync(repl);
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

    private static async Task AssertStillUsableAsync(ReplHarness repl, string kept = "state") =>
        Assert.Equal("ok " + kept, await repl.PrintedAsync("print('ok', typeof kept === 'undefined' ? 'undefined' : kept)"));
}
