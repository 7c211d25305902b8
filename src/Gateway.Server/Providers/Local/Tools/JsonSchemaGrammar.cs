using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// Writes a GBNF grammar that accepts exactly the JSON a JSON Schema allows: a C# port of the subset of llama.cpp's
/// <c>common/json-schema-to-grammar.cpp</c> (MIT) that tool parameters use, since LLamaSharp ships no converter.
/// </summary>
/// <remarks>
/// Objects list their properties in the schema's order, required ones first (no others: <c>additionalProperties</c> is
/// taken as false); strings may be bounded by <c>minLength</c>/<c>maxLength</c>; arrays by <c>minItems</c>/<c>maxItems</c>;
/// <c>enum</c>, <c>const</c>, <c>anyOf</c>/<c>oneOf</c>, a list of types and local <c>$ref</c>s are kept. Anything else
/// allows any JSON value. Whitespace is at most one space, not llama.cpp's newlines and indents: small models wander;
/// or none at all when the JSON must come out in one form (a tool call's arguments, replayed later as written).
/// </remarks>
internal sealed class JsonSchemaGrammar
{
    private static readonly Dictionary<string, string> s_primitives = new(StringComparer.Ordinal)
    {
        ["space"] = "\" \"?",
        ["boolean"] = "(\"true\" | \"false\") space",
        ["null"] = "\"null\" space",
        ["integral-part"] = "[0] | [1-9] [0-9]{0,15}",
        ["decimal-part"] = "[0-9]{1,16}",
        ["integer"] = "(\"-\"? integral-part) space",
        ["number"] = "(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space",
        ["char"] = "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})",
        ["string"] = "\"\\\"\" char* \"\\\"\" space",
        ["value"] = "object | array | string | number | boolean | null",
        ["object"] = "\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? \"}\" space",
        ["array"] = "\"[\" space ( value (\",\" space value)* )? \"]\" space",
    };

    private static readonly Dictionary<string, string[]> s_uses = new(StringComparer.Ordinal)
    {
        ["boolean"] = ["space"],
        ["null"] = ["space"],
        ["integer"] = ["integral-part", "space"],
        ["number"] = ["integral-part", "decimal-part", "space"],
        ["string"] = ["char", "space"],
        ["value"] = ["object", "array", "string", "number", "boolean", "null"],
        ["object"] = ["space", "string", "value"],
        ["array"] = ["space", "value"],
    };

    private const int MaxBound = 256;

    /// <summary>Rules nested while writing (a chain of <c>$ref</c>s to other definitions nests too): the bound keeps the stack safe.</summary>
    private const int MaxDepth = 64;

    private static readonly ReadOnlyMemory<byte> s_anyObject = """{"type":"object"}"""u8.ToArray();

    private readonly GbnfWriter _grammar;
    private readonly JsonElement _root;
    private readonly bool _compact;

    /// <summary>For each rule, the rules an alternative of it starts with (anyOf choices, a definition that is a <c>$ref</c>).</summary>
    private readonly Dictionary<string, List<string>> _heads = new(StringComparer.Ordinal);

    private int _depth;

    /// <param name="compact">No whitespace anywhere: the one form <see cref="System.Text.Json.Utf8JsonWriter"/> writes, so a replay of the value repeats the text the model wrote.</param>
    public JsonSchemaGrammar(GbnfWriter grammar, JsonElement root, bool compact = false)
    {
        _grammar = grammar;
        _root = root;
        _compact = compact;
    }

    /// <summary>The grammar (root rule <c>root</c>) for documents valid under <paramref name="schema"/>.</summary>
    public static string For(JsonElement schema)
    {
        var grammar = new GbnfWriter();
        var root = new JsonSchemaGrammar(grammar, schema).Rule(schema, "root");
        if (root != "root")
        {
            // A schema that is a $ref or not an object named another rule; llama.cpp needs the root rule.
            grammar.Define("root", root);
        }
        return grammar.ToString();
    }

    /// <summary>The grammar of an answer in <paramref name="format"/>: JSON valid under its schema, or any JSON object.</summary>
    public static string For(ResponseFormat format)
    {
        using var schema = JsonDocument.Parse(format.Schema?.Utf8 ?? s_anyObject);
        return For(schema.RootElement);
    }

    /// <summary>Defines the rule for <paramref name="schema"/> (named after <paramref name="name"/>) and returns its name.</summary>
    /// <exception cref="LocalModelException">The schema nests too deep or makes too large a grammar (status 400).</exception>
    public string Rule(JsonElement schema, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Primitive("value");
        }
        return schema.TryGetProperty("$ref", out var reference) && Text(reference) is { } path ? Reference(path) : Define(_grammar.FreeName(name), schema);
    }

    private string Define(string name, JsonElement schema)
    {
        if (++_depth > MaxDepth)
        {
            throw new LocalModelException($"The JSON Schema nests more than {MaxDepth} levels deep (counting $refs), more than a local model's grammar takes.", statusCode: 400);
        }
        _grammar.Define(name, ""); // Reserved while its parts are written.
        _grammar.Define(name, Body(schema, name));
        _depth--;
        return name;
    }

    private string Body(JsonElement schema, string name)
    {
        if (schema.TryGetProperty("$ref", out var reference) && Text(reference) is { } path)
        {
            // A definition that is only a reference to another one.
            return Head(name, Reference(path));
        }
        if (schema.TryGetProperty("const", out var constant))
        {
            return Constant(constant) + " " + Primitive("space");
        }
        // Empty lists would leave an empty alternative, which llama.cpp cannot parse (and then aborts at the first sample).
        if (schema.TryGetProperty("enum", out var members) && members.ValueKind == JsonValueKind.Array && members.GetArrayLength() > 0)
        {
            return "(" + string.Join(" | ", members.EnumerateArray().Select(Constant)) + ") " + Primitive("space");
        }
        if ((schema.TryGetProperty("anyOf", out var choices) || schema.TryGetProperty("oneOf", out choices)) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return string.Join(" | ", choices.EnumerateArray().Select((choice, i) => Head(name, Rule(choice, $"{name}-{i}"))));
        }
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object ? Object(schema, name) : Primitive("value");
        }
        if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
        {
            return string.Join(" | ", type.EnumerateArray().Select(t => TypeBody(schema, Text(t), name)));
        }
        return TypeBody(schema, Text(type), name);
    }

    private string TypeBody(JsonElement schema, string? type, string name) => type switch
    {
        "object" when schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object => Object(schema, name),
        "array" => Array(schema, name),
        "string" => String(schema),
        "object" or "string" or "number" or "integer" or "boolean" or "null" => Primitive(type),
        _ => Primitive("value"),
    };

    private string Object(JsonElement schema, string name)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in names.EnumerateArray())
            {
                required.Add(Text(item) ?? "");
            }
        }
        var mandatory = new List<string>();
        var optional = new List<string>();
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            var value = Rule(property.Value, $"{name}-{property.Name}");
            var pair = _grammar.Define(_grammar.FreeName($"{name}-{property.Name}-kv"), $"{GbnfWriter.Literal(PromptJson.String(property.Name))} space \":\" space {value}");
            (required.Contains(property.Name) ? mandatory : optional).Add(pair);
        }
        Primitive("space");
        var body = new StringBuilder("\"{\" space");
        if (mandatory.Count > 0)
        {
            body.Append(' ').AppendJoin(" \",\" space ", mandatory);
            foreach (var pair in optional)
            {
                body.Append(" ( \",\" space ").Append(pair).Append(" )?");
            }
        }
        else if (optional.Count > 0)
        {
            // Any in-order subset: the first one present, then each later one or not (llama.cpp's get_recursive_refs).
            body.Append(" (");
            for (var i = 0; i < optional.Count; i++)
            {
                body.Append(i == 0 ? " " : " | ").Append(optional[i]);
                foreach (var later in optional.Skip(i + 1))
                {
                    body.Append(" ( \",\" space ").Append(later).Append(" )?");
                }
                // The alternatives grow with the square of the properties: stop before they take the memory too.
                _grammar.EnsureRoom(body.Length);
            }
            body.Append(" )?");
        }
        return body.Append(" \"}\" space").ToString();
    }

    private string Array(JsonElement schema, string name)
    {
        var item = schema.TryGetProperty("items", out var items) ? Rule(items, name + "-item") : Primitive("value");
        var min = Bound(schema, "minItems") ?? 0;
        var max = Bound(schema, "maxItems") is { } bound ? Math.Max(bound, min) : (int?)null;
        Primitive("space");
        var rest = (min, max) switch
        {
            (_, 0) => null,
            (<= 1, null) => $"( \",\" space {item} )*",
            (_, null) => $"( \",\" space {item} ){{{min - 1},}}",
            (<= 1, _) => $"( \",\" space {item} ){{0,{max - 1}}}",
            _ => $"( \",\" space {item} ){{{min - 1},{max - 1}}}",
        };
        var list = rest is null ? "" : min == 0 ? $"( {item} {rest} )? " : $"{item} {rest} ";
        return $"\"[\" space {list}\"]\" space";
    }

    private string String(JsonElement schema)
    {
        var plain = Primitive("string");
        var min = Bound(schema, "minLength") ?? 0;
        var max = Bound(schema, "maxLength") is { } bound ? Math.Max(bound, min) : (int?)null;
        if (min == 0 && max is null)
        {
            return plain;
        }
        return $"\"\\\"\" char{{{min},{max?.ToString(CultureInfo.InvariantCulture)}}} \"\\\"\" space";
    }

    private string Reference(string path)
    {
        // Only local definitions: #/$defs/Name and #/definitions/Name.
        var parts = path.Split('/');
        if (parts is not ["#", "$defs" or "definitions", var definition] || !_root.TryGetProperty(parts[1], out var definitions)
            || definitions.ValueKind != JsonValueKind.Object || !definitions.TryGetProperty(definition, out var target))
        {
            return Primitive("value");
        }
        var name = GbnfWriter.RuleName("ref-" + definition);
        return _grammar.Has(name) ? name : target.ValueKind == JsonValueKind.Object ? Define(name, target) : Primitive("value");
    }

    /// <summary>
    /// <paramref name="first"/> as an alternative of <paramref name="rule"/>, unless that would make the rule start with
    /// itself (a definition <c>{"anyOf": [{"$ref": "#/$defs/itself"}, …]}</c> and the like): llama.cpp refuses left recursion
    /// (<c>llama_grammar_init_impl</c>), and a grammar it refuses aborts the process, so such an alternative allows any JSON value instead.
    /// </summary>
    private string Head(string rule, string first)
    {
        if (Starts(first, rule))
        {
            return Primitive("value");
        }
        if (!_heads.TryGetValue(rule, out var heads))
        {
            _heads[rule] = heads = [];
        }
        heads.Add(first);
        return first;
    }

    /// <summary>Whether <paramref name="from"/> is <paramref name="rule"/> or has an alternative that starts with it, however indirectly.</summary>
    private bool Starts(string from, string rule)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([from]);
        while (next.TryPop(out var current))
        {
            if (current == rule)
            {
                return true;
            }
            if (seen.Add(current) && _heads.TryGetValue(current, out var heads))
            {
                heads.ForEach(next.Push);
            }
        }
        return false;
    }

    /// <summary>Defines a built-in rule and the rules it uses; returns its name.</summary>
    private string Primitive(string name)
    {
        if (!_grammar.Has(name))
        {
            // An empty literal is an empty sequence, as the empty alternative of llama.cpp's own space rule is.
            _grammar.Define(name, _compact && name == "space" ? "\"\"" : s_primitives[name]);
            foreach (var used in s_uses.GetValueOrDefault(name, []))
            {
                Primitive(used);
            }
        }
        return name;
    }

    /// <summary>A count keyword; above <see cref="MaxBound"/> it is ignored, since llama.cpp spells a repetition out rule by rule.</summary>
    private static int? Bound(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var bound) && bound.ValueKind == JsonValueKind.Number && bound.TryGetInt32(out var value) && value is >= 0 and <= MaxBound ? value : null;

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A literal for one JSON value, as written compactly.</summary>
    private static string Constant(JsonElement value) => GbnfWriter.Literal(value.ValueKind == JsonValueKind.String ? PromptJson.String(value.GetString()!) : value.GetRawText());
}
