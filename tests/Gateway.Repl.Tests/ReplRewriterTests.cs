using Acornima;

namespace Gateway.Repl.Tests;

/// <summary>The Node-REPL-style rewrite of one turn's code (design §1.4): top-level declarations become globals.</summary>
public sealed class ReplRewriterTests
{
    private const string Settle = "\n})().then(() => __gw_settle(true), e => __gw_settle(false, e));";

    [Theory]
    [InlineData("print(1)", "(async () => {\nprint(1)")]
    [InlineData("const x = 1;", "var x;\n(async () => {\nvoid ((x = 1));")]
    [InlineData("let a = 1, b = a + 1", "var a, b;\n(async () => {\nvoid ((a = 1), (b = a + 1));")]
    [InlineData("let a;", "var a;\n(async () => {\nvoid ((a = undefined));")]
    [InlineData("var a;", "var a;\n(async () => {\n;")]
    [InlineData("var a, b = 2", "var a, b;\n(async () => {\nvoid ((b = 2));")]
    [InlineData("const {a, b: [c], ...rest} = o", "var a, c, rest;\n(async () => {\nvoid (({a, b: [c], ...rest} = o));")]
    [InlineData("let [p, , q = 7, ...r] = [1, 2]", "var p, q, r;\n(async () => {\nvoid (([p, , q = 7, ...r] = [1, 2]));")]
    [InlineData("const {a = 1, b: {c}} = o", "var a, c;\n(async () => {\nvoid (({a = 1, b: {c}} = o));")]
    [InlineData("class K { v() { return 1 } }", "var K;\n(async () => {\nK = class K { v() { return 1 } };")]
    [InlineData("function f(x) { const y = x; return y }", "var f;\n(async () => { globalThis[\"f\"] = f;\nfunction f(x) { const y = x; return y }")]
    [InlineData("async function g() {}", "var g;\n(async () => { globalThis[\"g\"] = g;\nasync function g() {}")]
    [InlineData("{ const local = 1 }", "(async () => {\n{ const local = 1 }")]
    [InlineData("for (const i of [1]) {}", "(async () => {\nfor (const i of [1]) {}")]
    [InlineData("if (ok) { let z = 1 }", "(async () => {\nif (ok) { let z = 1 }")]
    [InlineData("const r = await llm_query('q')", "var r;\n(async () => {\nvoid ((r = await llm_query('q')));")]
    [InlineData("return 5", "(async () => {\nreturn 5")]
    [InlineData("x = 1\nconst y = 2\nprint(y) // end", "var y;\n(async () => {\nx = 1\nvoid ((y = 2));\nprint(y) // end")]
    [InlineData("const a = 1; const a2 = 2; a = a2", "var a, a2;\n(async () => {\nvoid ((a = 1)); void ((a2 = 2)); a = a2")]
    public void Rewrites_top_level_declarations_into_assignments_to_globals(string code, string expected)
    {
        Assert.Equal(expected + Settle, ReplRewriter.Rewrite(code));
    }

    [Theory]
    [InlineData("let x = ;", "Unexpected token ';'")]
    [InlineData("const a = 1; let a = 2", "Identifier 'a' has already been declared")]
    public void Code_that_does_not_parse_throws_the_parse_error(string code, string description)
    {
        var error = Assert.ThrowsAny<ParseErrorException>(() => ReplRewriter.Rewrite(code));

        Assert.Equal(description, error.Error.Description);
    }
}
