namespace Gateway.Repl.Tests;

/// <summary>A turn's semantics (SPEC §8, design §1.4, §1.6): persistence, output, FINAL, errors, isolation.</summary>
public sealed class JsReplTests
{
    [Fact]
    public async Task Top_level_declarations_persist_and_a_const_may_be_declared_again()
    {
        using var repl = new ReplHarness();
        await repl.PrintedAsync("""
            const chunks = ['a', 'b']; let n = 3; var v = 'var';
            function f(x) { return x * 2 }
            class K { v() { return 9 } }
            const { a, b: [c], ...rest } = { a: 1, b: [2], d: 4 }; let [p, , q = 7] = [5, 6];
            { const local = 1 } for (const i of [1]) {}
            """);

        Assert.Equal("redeclared 3 var 6 9 1 2 {\"d\":4} 5 7 undefined undefined",
            await repl.PrintedAsync("""
                const chunks = ['redeclared'];
                print(chunks, n, v, f(3), new K().v(), a, c, JSON.stringify(rest), p, q, typeof local, typeof i)
                """));
    }

    [Fact]
    public async Task Var_without_value_keeps_the_earlier_value_and_let_without_value_starts_undefined()
    {
        using var repl = new ReplHarness();
        await repl.PrintedAsync("var x = 5; let y = 6");

        Assert.Equal("5 undefined", await repl.PrintedAsync("var x; let y; print(x, y)"));
    }

    [Fact]
    public async Task Effects_before_an_error_stay()
    {
        using var repl = new ReplHarness();
        var failed = await repl.RunAsync("let before = 1; undefinedVar; let after = 2");

        Assert.Equal("ReferenceError: undefinedVar is not defined", failed.Error);
        Assert.Equal("1 undefined", await repl.PrintedAsync("print(before, after)"));
    }

    [Fact]
    public async Task Print_formats_its_arguments_as_String_of_each_joined_by_spaces()
    {
        using var repl = new ReplHarness();

        Assert.Equal("a 1 1.5 [object Object] 1,2,3 null undefined true",
            await repl.PrintedAsync("print('a', 1, 1.5, {x:1}, [1,[2,3]], null, undefined, true)"));
    }

    [Fact]
    public async Task Console_writes_to_its_stream_as_it_prints_and_every_line_joins_the_stdout()
    {
        using var repl = new ReplHarness();

        var stdout = await repl.PrintedAsync("""
            console.log('a'); console.error('b', 2); console.warn('c'); console.info('d'); console.debug('e'); print('f'); print()
            """);

        Assert.Equal("a\nb 2\nc\nd\ne\nf\n", stdout);
        Assert.Equal(
        [
            ("a\n", ReplStream.Stdout), ("b 2\n", ReplStream.Stderr), ("c\n", ReplStream.Stderr), ("d\n", ReplStream.Stdout),
            ("e\n", ReplStream.Stdout), ("f\n", ReplStream.Stdout), ("\n", ReplStream.Stdout),
        ], repl.Host.Progress);
        Assert.Equal("rlm repl", repl.Host.ProgressThread);
    }

    [Fact]
    public async Task A_turn_without_output_has_empty_stdout()
    {
        using var repl = new ReplHarness();

        Assert.Equal(new ReplTurnResult("", false, null, false, null), await repl.RunAsync("1 + 1"));
    }

    [Fact]
    public async Task The_context_is_a_global_string()
    {
        using var repl = new ReplHarness(context: "line 1\nline 2");

        Assert.Equal("13 2", await repl.PrintedAsync("print(context.length, context.split('\\n').length)"));
    }

    [Fact]
    public async Task FINAL_records_String_of_its_argument_the_code_runs_on_and_the_last_call_wins()
    {
        using var repl = new ReplHarness();

        Assert.Equal(new ReplTurnResult("after", false, null, true, "42"),
            await repl.RunAsync("FINAL('first'); FINAL(42); print('after')"));
    }

    [Fact]
    public async Task FINAL_VAR_answers_with_a_top_level_variable()
    {
        using var repl = new ReplHarness();
        await repl.PrintedAsync("const answer = [1, 2]");

        Assert.Equal(new ReplTurnResult("", false, null, true, "1,2"), await repl.RunAsync("FINAL_VAR('answer')"));
    }

    [Fact]
    public async Task FINAL_VAR_of_an_unknown_name_is_an_error()
    {
        using var repl = new ReplHarness();

        Assert.Equal(new ReplTurnResult("", false, "Error: FINAL_VAR: no variable named nope", false, null),
            await repl.RunAsync("FINAL_VAR('nope')"));
    }

    [Fact]
    public async Task An_error_after_FINAL_leaves_the_turn_not_done()
    {
        using var repl = new ReplHarness();

        Assert.Equal(new ReplTurnResult("", false, "Error: later", false, null),
            await repl.RunAsync("FINAL('x'); throw new Error('later')"));
    }

    [Theory]
    [InlineData("throw 'plain'", "plain")]
    [InlineData("throw 42", "42")]
    [InlineData("throw new TypeError('bad')", "TypeError: bad")]
    [InlineData("throw new Error()", "Error")]
    [InlineData("await Promise.reject(new RangeError('no'))", "RangeError: no")]
    [InlineData("null.x", "TypeError: Cannot read properties of null (reading 'x')")]
    [InlineData("throw { toString() { throw 1 } }", "Uncaught value that cannot be converted to a string")]
    [InlineData("await new Promise(() => {})", "the code awaited a promise that can never settle")]
    [InlineData("let x = ;", "SyntaxError: Unexpected token ';' (1:8)")]
    public async Task A_failed_turn_reports_what_it_threw(string code, string error)
    {
        using var repl = new ReplHarness();

        Assert.Equal(error, (await repl.RunAsync(code)).Error);
    }

    [Fact]
    public async Task Top_level_return_ends_the_turn()
    {
        using var repl = new ReplHarness();

        Assert.Equal("a", await repl.PrintedAsync("print('a'); return 5; print('b')"));
    }

    [Fact]
    public async Task A_trailing_line_comment_does_not_break_the_turn()
    {
        using var repl = new ReplHarness();

        Assert.Equal("a", await repl.PrintedAsync("print('a') // done"));
    }

    [Fact]
    public async Task Stdout_is_cut_at_the_limit_without_splitting_a_surrogate_pair()
    {
        using var repl = new ReplHarness();

        Assert.Equal(new ReplTurnResult(new string('a', 3999) + "\n...[truncated]", true, null, false, null),
            await repl.RunAsync("print('a'.repeat(3999) + '\\u{1F600}')"));
        Assert.Equal(new ReplTurnResult(new string('a', 3998) + "\uD83D\uDE00", false, null, false, null),
            await repl.RunAsync("print('a'.repeat(3998) + '\\u{1F600}')"));
        Assert.Equal(new ReplTurnResult("a\n" + new string('b', 3998) + "\n...[truncated]", true, null, false, null),
            await repl.RunAsync("print('a'); print('b'.repeat(5000)); print('c')"));
    }

    [Fact]
    public async Task Lone_surrogates_leave_the_engine_as_replacement_characters()
    {
        using var repl = new ReplHarness();

        var result = await repl.RunAsync("print('cut \\uD83D', '\\uDE00x'); FINAL('\\uD83D'); throw 'end \\uDE00'");

        Assert.Equal(new ReplTurnResult("cut \uFFFD \uFFFDx", false, "end \uFFFD", false, null), result);
        Assert.Equal([("cut \uFFFD \uFFFDx\n", ReplStream.Stdout)], repl.Host.Progress);
        Assert.Equal(new ReplTurnResult("", false, null, true, "\uFFFD\uD83D\uDE00"),
            await repl.RunAsync("FINAL('\\uDE00\\u{1F600}')"));
    }

    [Fact]
    public async Task The_script_reaches_no_CLR_and_no_event_loop()
    {
        using var repl = new ReplHarness();

        Assert.Equal("undefined undefined undefined undefined undefined false",
            await repl.PrintedAsync("""
                print(typeof System, typeof importNamespace, typeof require, typeof process, typeof setTimeout,
                    Object.keys(globalThis).includes('__gw_settle'))
                """));
    }

    [Fact]
    public async Task The_settle_function_cannot_be_replaced_by_the_script()
    {
        using var repl = new ReplHarness();
        await repl.RunAsync("__gw_settle = () => {}; globalThis.__gw_settle = null");

        Assert.Equal("the code awaited a promise that can never settle",
            (await repl.RunAsync("await new Promise(() => {})")).Error);
    }

    [Fact]
    public async Task A_cancelled_token_runs_nothing()
    {
        using var repl = new ReplHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repl.RunAsync("print('x')", new CancellationToken(true)));
        Assert.Empty(repl.Host.Progress);
    }
}
