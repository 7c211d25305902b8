using System.Text.Json;

namespace Gateway.Server.Mcp;

/// <summary>
/// Reads MCP_SERVERS_FILE, the desktop clients' format: <c>{"mcpServers":{"&lt;name&gt;":{"command","args","env","cwd"} |
/// {"url","headers"}}}</c>, plus Gateway's own <c>scope</c>, <c>network</c> and <c>disabled</c>.
/// </summary>
/// <remarks>
/// Comments and trailing commas are allowed and unknown keys ignored: desktop files carry others. A file that is not this
/// shape stops start-up; a wrong entry only makes that server <see cref="McpServerStatus.Invalid"/>.
/// </remarks>
internal static class McpServersFile
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The longest server name: <c>mcp__&lt;server&gt;__</c> leaves the tool 35 of the model APIs' 64 characters.</summary>
    public const int MaxNameLength = 24;

    /// <exception cref="McpConfigException">The file cannot be read, or is not the shape above; the message says where.</exception>
    public static IReadOnlyList<McpServerConfig> Load(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new McpConfigException($"MCP_SERVERS_FILE {path} cannot be read: {e.Message}", e);
        }
        try
        {
            return Parse(json);
        }
        catch (FormatException e)
        {
            throw new McpConfigException($"MCP_SERVERS_FILE {path}: {e.Message}", e);
        }
    }

    /// <exception cref="FormatException">Not the shape above; the message starts with the JSON path.</exception>
    public static IReadOnlyList<McpServerConfig> Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "$ must be a JSON object");
            List<McpServerConfig>? servers = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("mcpServers"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartObject, "$.mcpServers must be an object");
                servers = [];
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    Expect(servers.TrueForAll(s => s.Name != name), $"$.mcpServers.{name} is given twice");
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    servers.Add(Entry(name, json[start..(int)reader.BytesConsumed]));
                }
            }
            Expect(servers is not null, "$.mcpServers is missing");
            return servers!;
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>One server's entry, already known to be well-formed JSON; what is wrong with it makes it invalid.</summary>
    private static McpServerConfig Entry(string name, ReadOnlySpan<byte> json)
    {
        var where = "$.mcpServers." + name;
        var transport = "stdio";
        try
        {
            Expect(IsValidName(name), $"{where}: a server name is 1 to {MaxNameLength} letters, digits and '-'");
            var reader = new Utf8JsonReader(json, ReaderOptions);
            reader.Read();
            Expect(reader.TokenType == JsonTokenType.StartObject, $"{where} must be an object");
            string? command = null, cwd = null, url = null, type = null, scope = null;
            List<string>? args = null;
            List<KeyValuePair<string, string>>? env = null, headers = null;
            bool network = false, disabled = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                var at = $"{where}.{key}";
                switch (key)
                {
                    case "command": command = NonEmptyString(ref reader, at); break;
                    case "args": args = Strings(ref reader, at); break;
                    case "env": env = StringMap(ref reader, at); break;
                    case "cwd": cwd = NonEmptyString(ref reader, at); break;
                    case "url": url = NonEmptyString(ref reader, at); break;
                    case "headers": headers = StringMap(ref reader, at); break;
                    case "type": type = NonEmptyString(ref reader, at); break;
                    case "scope": scope = NonEmptyString(ref reader, at); break;
                    case "network": network = Boolean(ref reader, at); break;
                    case "disabled": disabled = Boolean(ref reader, at); break;
                    default: reader.Skip(); break;
                }
            }
            transport = url is null ? "stdio" : "http";
            Expect(command is null || url is null, $"{where} has both command and url: a server is stdio or HTTP");
            Expect(command is not null || url is not null, $"{where} needs a command (stdio) or a url (Streamable HTTP)");
            Expect(type is null || (transport == "stdio" ? type == "stdio" : type is "http" or "streamable-http" or "streamableHttp"),
                $"{where}.type \"{type}\" does not fit its {(transport == "stdio" ? "command: only \"stdio\"" : "url: only \"http\" (Streamable HTTP; the older SSE transport is not supported)")}");
            Expect(scope is null or McpServerConfig.Shared or McpServerConfig.PerSession, $"{where}.scope must be \"shared\" or \"session\"");
            var config = new McpServerConfig(name, transport, scope ?? McpServerConfig.Shared) { Disabled = disabled };
            if (url is not null)
            {
                Expect(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                    $"{where}.url must be an absolute http or https URL");
                return config with { Http = new McpHttpEndpoint(uri!, headers ?? []) };
            }
            Expect(cwd is null || Path.IsPathFullyQualified(cwd), $"{where}.cwd must be an absolute path");
            return config with { Stdio = new McpStdioCommand(command!, args ?? [], env ?? [], cwd, network) };
        }
        catch (FormatException e)
        {
            return new McpServerConfig(name, transport, McpServerConfig.Shared) { Invalid = e.Message };
        }
    }

    /// <summary>^[a-zA-Z0-9-]{1,24}$: no '_', so <c>mcp__&lt;server&gt;__&lt;tool&gt;</c> stays readable, and no character a model API refuses.</summary>
    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= MaxNameLength && name.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") < 0;

    private static string NonEmptyString(ref Utf8JsonReader reader, string where)
    {
        Expect(reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0, $"{where} must be a non-empty string");
        return reader.GetString()!;
    }

    private static bool Boolean(ref Utf8JsonReader reader, string where)
    {
        Expect(reader.TokenType is JsonTokenType.True or JsonTokenType.False, $"{where} must be true or false");
        return reader.GetBoolean();
    }

    private static List<string> Strings(ref Utf8JsonReader reader, string where)
    {
        Expect(reader.TokenType == JsonTokenType.StartArray, $"{where} must be an array of strings");
        List<string> values = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType == JsonTokenType.String, $"{where}[{values.Count}] must be a string");
            values.Add(reader.GetString()!);
        }
        return values;
    }

    private static List<KeyValuePair<string, string>> StringMap(ref Utf8JsonReader reader, string where)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, $"{where} must be an object of strings");
        List<KeyValuePair<string, string>> values = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            Expect(reader.TokenType == JsonTokenType.String, $"{where}.{key} must be a string");
            Expect(values.TrueForAll(v => v.Key != key), $"{where}.{key} is given twice");
            values.Add(new(key, reader.GetString()!));
        }
        return values;
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }
}
