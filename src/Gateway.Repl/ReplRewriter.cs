using System.Text;
using Acornima;
using Acornima.Ast;

namespace Gateway.Repl;

/// <summary>
/// Turns one block of model code into one script for one engine entry (design §1.4), as Node's REPL does for top-level
/// await: the code runs as the body of an async arrow (so <c>await</c> and <c>return</c> work at top level), and its
/// top-level declarations become assignments to globals declared with <c>var</c> in front (so they persist across
/// turns and a later turn may declare the same <c>const</c> again). Nested scopes are left as they are.
/// </summary>
internal static class ReplRewriter
{
    /// <summary>The name of the non-enumerable global the wrapper reports the body's outcome to.</summary>
    public const string SettleFunction = "__gw_settle";

    private static readonly ParserOptions Options = new()
    {
        AllowAwaitOutsideFunction = true,
        AllowReturnOutsideFunction = true,
        EcmaVersion = EcmaVersion.Latest,
    };

    /// <summary>The script to evaluate; throws <see cref="ParseErrorException"/> when the code does not parse.</summary>
    public static string Rewrite(string code)
    {
        var script = new Parser(Options).ParseScript(code);
        var globals = new List<string>();
        var functions = new List<string>();
        var body = new StringBuilder(code.Length + 64);
        var copied = 0;
        foreach (var statement in script.Body)
        {
            string? replacement = statement switch
            {
                VariableDeclaration declaration => Assignments(code, declaration, globals),
                ClassDeclaration { Id: { } id } => $"{Declare(id.Name, globals)} = {Slice(code, statement)};",
                _ => null,
            };
            if (statement is FunctionDeclaration { Id: { } function })
            {
                functions.Add(Declare(function.Name, globals));
            }
            if (replacement is not null)
            {
                body.Append(code, copied, statement.Start - copied).Append(replacement);
                copied = statement.End;
            }
        }
        body.Append(code, copied, code.Length - copied);

        var wrapped = new StringBuilder(body.Length + 128);
        if (globals.Count > 0)
        {
            wrapped.Append("var ").AppendJoin(", ", globals).Append(";\n");
        }
        wrapped.Append("(async () => {");
        foreach (var name in functions)
        {
            // Function declarations stay in place (hoisted in the wrapper) and are copied to their global here.
            wrapped.Append(" globalThis[\"").Append(name).Append("\"] = ").Append(name).Append(';');
        }
        // The body on its own lines: a trailing line comment must not swallow the wrapper's end.
        wrapped.Append('\n').Append(body).Append("\n})().then(() => ").Append(SettleFunction).Append("(true), e => ")
            .Append(SettleFunction).Append("(false, e));");
        return wrapped.ToString();
    }

    /// <summary><c>const {a, b: [c]} = x, d;</c> → <c>void (({a, b: [c]} = x), (d = undefined));</c></summary>
    private static string Assignments(string code, VariableDeclaration declaration, List<string> globals)
    {
        var text = new StringBuilder("void (");
        var first = true;
        foreach (var declarator in declaration.Declarations)
        {
            CollectNames(declarator.Id, globals);
            // `var x;` keeps an earlier x, as in any script; `let x;` starts it as undefined.
            if (declarator.Init is null && declaration.Kind == VariableDeclarationKind.Var)
            {
                continue;
            }
            text.Append(first ? "(" : ", (").Append(Slice(code, declarator.Id)).Append(" = ")
                .Append(declarator.Init is null ? "undefined" : Slice(code, declarator.Init)).Append(')');
            first = false;
        }
        return first ? ";" : text.Append(");").ToString();
    }

    private static void CollectNames(Node? pattern, List<string> globals)
    {
        switch (pattern)
        {
            case Identifier identifier:
                Declare(identifier.Name, globals);
                break;
            case ObjectPattern objectPattern:
                foreach (var property in objectPattern.Properties)
                {
                    CollectNames(property is Property { Value: var value } ? value : property, globals);
                }
                break;
            case ArrayPattern arrayPattern:
                foreach (var element in arrayPattern.Elements)
                {
                    CollectNames(element, globals);
                }
                break;
            case RestElement rest:
                CollectNames(rest.Argument, globals);
                break;
            case AssignmentPattern assignment:
                CollectNames(assignment.Left, globals);
                break;
        }
    }

    private static string Declare(string name, List<string> globals)
    {
        if (!globals.Contains(name))
        {
            globals.Add(name);
        }
        return name;
    }

    private static string Slice(string code, Node node) => code[node.Start..node.End];
}
