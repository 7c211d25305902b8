using System.Text.Json;
using Gateway.Server.Providers.Local.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>JSON Schema to GBNF: the exact grammar per construct, and llama.cpp accepting each one.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class JsonSchemaGrammarTests : IDisposable
{
    private readonly GrammarDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    public static TheoryData<string, string> Grammars => new()
    {
        {
            """{"$ref": "#/definitions/flag", "definitions": {"flag": {"type": "boolean"}}}""",
            """
            boolean ::= ("true" | "false") space
            ref-flag ::= boolean
            root ::= ref-flag
            space ::= " "?
            """
        },
        {
            """{"type": "object", "properties": {"e": {"enum": []}, "t": {"type": []}, "n": {"type": "array", "minItems": 3, "maxItems": 1}, "big": {"type": "string", "maxLength": 100000}}, "required": ["e", "t", "n", "big", 5]}""",
            """
            array ::= "[" space ( value ("," space value)* )? "]" space
            boolean ::= ("true" | "false") space
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            decimal-part ::= [0-9]{1,16}
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            null ::= "null" space
            number ::= ("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space
            object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
            root ::= "{" space root-e-kv "," space root-t-kv "," space root-n-kv "," space root-big-kv "}" space
            root-big ::= string
            root-big-kv ::= "\"big\"" space ":" space root-big
            root-e ::= value
            root-e-kv ::= "\"e\"" space ":" space root-e
            root-n ::= "[" space value ( "," space value ){2,2} "]" space
            root-n-kv ::= "\"n\"" space ":" space root-n
            root-t ::= value
            root-t-kv ::= "\"t\"" space ":" space root-t
            space ::= " "?
            string ::= "\"" char* "\"" space
            value ::= object | array | string | number | boolean | null
            """
        },
        {
            """{"type": "object", "properties": {"unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}, "city": {"type": "string"}}, "required": ["unit"]}""",
            """
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            root ::= "{" space root-unit-kv ( "," space root-city-kv )? "}" space
            root-city ::= string
            root-city-kv ::= "\"city\"" space ":" space root-city
            root-unit ::= ("\"celsius\"" | "\"fahrenheit\"") space
            root-unit-kv ::= "\"unit\"" space ":" space root-unit
            space ::= " "?
            string ::= "\"" char* "\"" space
            """
        },
        {
            """{"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3}, "place": {"type": "object", "properties": {"lat": {"type": "number"}, "count": {"type": "integer"}, "exact": {"type": "boolean"}}, "required": ["lat", "count", "exact"]}}, "required": ["tags", "place"]}""",
            """
            boolean ::= ("true" | "false") space
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            decimal-part ::= [0-9]{1,16}
            integer ::= ("-"? integral-part) space
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            number ::= ("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space
            root ::= "{" space root-tags-kv "," space root-place-kv "}" space
            root-place ::= "{" space root-place-lat-kv "," space root-place-count-kv "," space root-place-exact-kv "}" space
            root-place-count ::= integer
            root-place-count-kv ::= "\"count\"" space ":" space root-place-count
            root-place-exact ::= boolean
            root-place-exact-kv ::= "\"exact\"" space ":" space root-place-exact
            root-place-kv ::= "\"place\"" space ":" space root-place
            root-place-lat ::= number
            root-place-lat-kv ::= "\"lat\"" space ":" space root-place-lat
            root-tags ::= "[" space root-tags-item ( "," space root-tags-item ){0,2} "]" space
            root-tags-item ::= string
            root-tags-kv ::= "\"tags\"" space ":" space root-tags
            space ::= " "?
            string ::= "\"" char* "\"" space
            """
        },
        {
            """{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}, "c": {"type": "null"}}}""",
            """
            boolean ::= ("true" | "false") space
            integer ::= ("-"? integral-part) space
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            null ::= "null" space
            root ::= "{" space ( root-a-kv ( "," space root-b-kv )? ( "," space root-c-kv )? | root-b-kv ( "," space root-c-kv )? | root-c-kv )? "}" space
            root-a ::= integer
            root-a-kv ::= "\"a\"" space ":" space root-a
            root-b ::= boolean
            root-b-kv ::= "\"b\"" space ":" space root-b
            root-c ::= null
            root-c-kv ::= "\"c\"" space ":" space root-c
            space ::= " "?
            """
        },
        {
            """{"$defs": {"node": {"type": "object", "properties": {"next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}}, "required": ["next"]}}, "type": "object", "properties": {"kind": {"const": "tree"}, "root": {"$ref": "#/$defs/node"}, "label": {"type": ["string", "null"], "maxLength": 8}}, "required": ["kind", "root", "label"]}""",
            """
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            null ::= "null" space
            ref-node ::= "{" space ref-node-next-kv "}" space
            ref-node-next ::= ref-node | ref-node-next-1
            ref-node-next-1 ::= null
            ref-node-next-kv ::= "\"next\"" space ":" space ref-node-next
            root ::= "{" space root-kind-kv "," space root-root-kv "," space root-label-kv "}" space
            root-kind ::= "\"tree\"" space
            root-kind-kv ::= "\"kind\"" space ":" space root-kind
            root-label ::= "\"" char{0,8} "\"" space | null
            root-label-kv ::= "\"label\"" space ":" space root-label
            root-root-kv ::= "\"root\"" space ":" space ref-node
            space ::= " "?
            string ::= "\"" char* "\"" space
            """
        },
        {
            """{}""",
            """
            array ::= "[" space ( value ("," space value)* )? "]" space
            boolean ::= ("true" | "false") space
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            decimal-part ::= [0-9]{1,16}
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            null ::= "null" space
            number ::= ("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space
            object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
            root ::= value
            space ::= " "?
            string ::= "\"" char* "\"" space
            value ::= object | array | string | number | boolean | null
            """
        },
        {
            """{"type": "object", "properties": {"any": {"type": "array"}, "pairs": {"type": "array", "items": {"type": "object"}, "minItems": 2}, "none": {"type": "array", "maxItems": 0}, "x y": {"enum": [1, "two\"", null]}}, "required": ["any", "pairs", "none", "x y"]}""",
            """
            array ::= "[" space ( value ("," space value)* )? "]" space
            boolean ::= ("true" | "false") space
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
            decimal-part ::= [0-9]{1,16}
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            null ::= "null" space
            number ::= ("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space
            object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
            root ::= "{" space root-any-kv "," space root-pairs-kv "," space root-none-kv "," space root-x-y-kv "}" space
            root-any ::= "[" space ( value ( "," space value )* )? "]" space
            root-any-kv ::= "\"any\"" space ":" space root-any
            root-none ::= "[" space "]" space
            root-none-kv ::= "\"none\"" space ":" space root-none
            root-pairs ::= "[" space root-pairs-item ( "," space root-pairs-item ){1,} "]" space
            root-pairs-item ::= object
            root-pairs-kv ::= "\"pairs\"" space ":" space root-pairs
            root-x-y ::= ("1" | "\"two\\\"\"" | "null") space
            root-x-y-kv ::= "\"x y\"" space ":" space root-x-y
            space ::= " "?
            string ::= "\"" char* "\"" space
            value ::= object | array | string | number | boolean | null
            """
        },
    };

    [Theory]
    [MemberData(nameof(Grammars))]
    public void WritesTheGrammarAndLlamaCppAcceptsIt(string schema, string grammar)
    {
        using var document = JsonDocument.Parse(schema);

        var written = JsonSchemaGrammar.For(document.RootElement);

        Assert.Equal(grammar, written);
        // llama.cpp reads it: one it cannot parse is added without complaint and aborts the process at the first sample.
        var (text, _) = _decoder.Generate(written, maxTokens: 16);
        Assert.NotEmpty(text);
    }

    [Fact]
    public void GreedyDecodingUnderTheGrammarWritesAValidDocumentThenEnds()
    {
        // successor-tiny alone would answer "ABC…~"; the grammar leaves it only the schema's documents (design §1.3).
        using var document = JsonDocument.Parse("""{"type": "object", "properties": {"unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["unit"]}""");

        var (text, ended) = _decoder.Generate(JsonSchemaGrammar.For(document.RootElement), maxTokens: 64);

        Assert.True(ended);
        Assert.Equal("{\"unit\": \"fahrenheit\" } ", text);
    }
}
