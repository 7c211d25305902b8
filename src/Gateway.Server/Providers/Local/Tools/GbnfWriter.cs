using System.Text;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>A GBNF grammar being written (llama.cpp <c>grammars/README.md</c>): named rules, each defined once, printed sorted by name.</summary>
internal sealed class GbnfWriter
{
    /// <summary>
    /// The most characters a grammar may have: llama.cpp follows every alternative that still fits at each token, over
    /// the whole vocabulary, so a huge schema (thousands of enum members or optional properties) would stall the decode loop.
    /// </summary>
    public const int MaxLength = 256 * 1024;

    private readonly SortedDictionary<string, string> _rules = new(StringComparer.Ordinal);
    private int _length;

    /// <summary>Whether a rule of that name is defined (or being defined: a recursive schema refers to itself).</summary>
    public bool Has(string name) => _rules.ContainsKey(name);

    /// <summary>Defines <paramref name="name"/> as <paramref name="body"/>; returns the name, to refer to it.</summary>
    /// <exception cref="LocalModelException">The grammar would be longer than <see cref="MaxLength"/> (status 400).</exception>
    public string Define(string name, string body)
    {
        _length += body.Length - (_rules.TryGetValue(name, out var old) ? old.Length : 0);
        EnsureRoom(0);
        _rules[name] = body;
        return name;
    }

    /// <summary>Throws unless <paramref name="more"/> characters still fit, for a rule being built piece by piece.</summary>
    /// <exception cref="LocalModelException">They do not (status 400).</exception>
    public void EnsureRoom(int more)
    {
        if (_length + more > MaxLength)
        {
            throw new LocalModelException($"The JSON Schema makes a grammar of more than {MaxLength / 1024} KiB, more than a local model takes: it has too many properties, enum members or alternatives.", statusCode: 400);
        }
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
