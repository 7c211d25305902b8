namespace Gateway.Repl.Tests;

/// <summary>llm_query and exec (SPEC §8, design §1.7–§1.8): blocking host calls the script may await.</summary>
public sealed class JsReplHostTests
{
    [Fact]
    public async Task Top_level_await_of_llm_query_returns_the_hosts_answer()
    {
        using var repl = new ReplHarness();

        Assert.Equal("answer to q1 with no context|answer to q2 with ctx|answer to q3 with no context",
            await repl.PrintedAsync("""
                const r = await llm_query('q1');
                const all = await Promise.all([llm_query('q2', 'ctx'), llm_query('q3', undefined)]);
                print([r, ...all].join('|'))
                """));
    }

    [Fact]
    public async Task A_child_REPL_may_run_its_turns_while_the_parent_waits_in_llm_query()
    {
        using var parent = new ReplHarness();
        var children = new List<ReplHarness>();
        parent.Host.LlmQuery = async (prompt, context, token) =>
        {
            // What a child RLM run does: its own engine and thread, its own context.
            var child = new ReplHarness(context: context ?? "");
            children.Add(child);
            await child.PrintedAsync("const words = context.split(' ')");
            return (await child.Repl.RunTurnAsync($"FINAL(words.length + ' words for {prompt}')", token)).FinalAnswer ?? "";
        };

        try
        {
            Assert.Equal("3 words for count|2 words for count",
                await parent.PrintedAsync("print(await llm_query('count', 'a b c') + '|' + await llm_query('count', 'd e'))"));
        }
        finally
        {
            children.ForEach(child => child.Dispose());
        }
    }

    [Fact]
    public async Task An_llm_query_prompt_over_10000_chars_is_an_error_the_host_never_sees()
    {
        using var repl = new ReplHarness();
        var asked = 0;
        repl.Host.LlmQuery = (_, _, _) => Task.FromResult((++asked).ToString());

        var result = await repl.RunAsync("await llm_query('x'.repeat(10001), 'data')");

        Assert.Equal("Error: llm_query prompt exceeds 10000 char limit (got 10001). Keep instructions short — pass data as the second argument (context).",
            result.Error);
        Assert.Equal(0, asked);
        Assert.Equal("1", await repl.PrintedAsync("print(await llm_query('x'.repeat(10000)))"));
    }

    [Fact]
    public async Task A_host_failure_is_an_Error_the_script_can_catch()
    {
        using var repl = new ReplHarness();
        repl.Host.Exec = (_, _, _) => throw new ReplHostException("exec denied: dangerous");

        Assert.Equal("exec denied: dangerous true",
            await repl.PrintedAsync("try { await exec('rm -rf /') } catch (e) { print(e.message, e instanceof Error) }"));
        Assert.Equal("Error: exec denied: dangerous", (await repl.RunAsync("exec('rm -rf /')")).Error);
    }

    [Fact]
    public async Task Exec_returns_stdout_stderr_and_exit_code()
    {
        using var repl = new ReplHarness();

        Assert.Equal("ran ls -l|timeout 2.5|3\nran pwd|timeout none|3",
            await repl.PrintedAsync("""
                const r = await exec('ls -l', 2.5); print([r.stdout, r.stderr, r.exitCode].join('|'));
                const s = exec('pwd'); print([s.stdout, s.stderr, s.exitCode].join('|'))
                """));
    }

    [Fact]
    public async Task Host_strings_are_passed_well_formed()
    {
        using var repl = new ReplHarness();
        string? seen = null;
        repl.Host.LlmQuery = (prompt, context, _) => Task.FromResult(seen = prompt + "|" + context);

        await repl.PrintedAsync("await llm_query('a\\uD800', '\\uDC00b')");

        Assert.Equal("a\uFFFD|\uFFFDb", seen);
    }

    [Fact]
    public async Task Any_other_host_failure_is_an_internal_error_and_the_repl_goes_on()
    {
        using var repl = new ReplHarness();
        repl.Host.LlmQuery = (_, _, _) => throw new InvalidOperationException("bug");

        Assert.Equal("Internal error: bug", (await repl.RunAsync("try { await llm_query('q') } catch { print('caught') }")).Error);
        Assert.Equal("ok", await repl.PrintedAsync("print('ok')"));
    }

    [Fact]
    public async Task Cancelling_while_the_host_works_ends_the_turn()
    {
        using var repl = new ReplHarness();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hostToken = CancellationToken.None;
        repl.Host.LlmQuery = async (_, _, token) =>
        {
            hostToken = token;
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return "never";
        };
        using var cancel = new CancellationTokenSource();

        var turn = repl.RunAsync("await llm_query('q'); print('after')", cancel.Token);
        await entered.Task.WaitAsync(ReplHarness.Bound);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        Assert.True(hostToken.IsCancellationRequested);
        Assert.Empty(repl.Host.Progress);
    }
}
