using System.Text;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>A GBNF grammar being written (llama.cpp <c>grammars/README.md</c>): named rules, each defined once, printed sorted by name.</summary>
internal sealed class GbnfWriter
{
    private readonly SortedDictionary<string, string> _rules = new(StringComparer.Ordinal);

    /// <summary>Whether a rule of that name is defined (or being defined: a recursive schema refers to itself).</summary>
    public bool Has(string name) => _rules.ContainsKey(name);

    /// <summary>Defines <paramref name="name"/> as <paramref name="body"/>; returns the name, to refer to it.</summary>
    public string Define(string name, string body)
    {
        _rules[name] = body;
        return name;
    }

    /// <summary>A name no rule has yet: <paramref name="wanted"/> made of GBNF name characters, numbered if taken.</summary>
    public string FreeName(string wanted)
    {
        var name = RuleName(wanted);
        var free = name;
        for (var i = 1; _rules.ContainsKey(free); i++)
        {
            free = name + i;
        }
        return free;
    }

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder("\"", text.Length + 2);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => literal.Append("\\\""),
                '\\' => literal.Append("\\\\"),
                '\n' => literal.Append("\\n"),
                '\r' => literal.Append("\\r"),
                '\t' => literal.Append("\\t"),
                < ' ' => literal.Append($"\\x{(int)c:X2}"),
                _ => literal.Append(c),
            };
        }
        return literal.Append('"').ToString();
    }

    public override string ToString()
    {
        return string.Join('\n', _rules.Select(rule => $"{rule.Key} ::= {rule.Value}"));
    }

    /// <summary>Rule names are letters, digits and dashes (llama.cpp <c>grammar-parser</c> <c>is_word_char</c>).</summary>
    public static string RuleName(string name)
    {
        var clean = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }
        return clean.Length == 0 ? "rule" : clean.ToString();
    }
}
