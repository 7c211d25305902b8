using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>
/// Reads <c>GATEWAY_KEYS_FILE</c>: named keys, each by the SHA-256 of the key in hex, with optional limits,
/// <c>{"keys":[{"name":"team-a","sha256":"…","models":["openai/*"],"maxConcurrentSessions":2,"requestsPerMinute":60,"tokensPerDay":1000000}]}</c>.
/// </summary>
/// <remarks>The file holds no secret. Comments and trailing commas are allowed; unknown properties are ignored, a missing limit is no limit.</remarks>
internal static class KeysFile
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads and parses the file at <paramref name="path"/>, at start-up and at each reload.</summary>
    /// <param name="apiKeys">GATEWAY_API_KEYS' keys: a key given twice (in the file, or also there) would have two sets of limits.</param>
    /// <exception cref="FormatException">The file is not the shape above, or gives a key twice; the message says where.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static List<ClientKey> Load(string path, IReadOnlyList<ClientKey> apiKeys)
    {
        var keys = Parse(File.ReadAllBytes(path));
        var digests = new HashSet<string>(apiKeys.Select(k => Convert.ToHexString(k.Sha256)), StringComparer.Ordinal);
        var twice = keys.FirstOrDefault(k => !digests.Add(Convert.ToHexString(k.Sha256)));
        Expect(twice is null, $"the key of '{twice?.Name}' is given twice (in the file, or also in GATEWAY_API_KEYS)");
        return keys;
    }

    /// <exception cref="FormatException">The file is not the shape above; the message says where.</exception>
    public static List<ClientKey> Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "expected a JSON object");
            List<ClientKey>? keys = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("keys"u8))
                {
                    reader.Skip();
                    continue;
                }
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, "\"keys\" must be an array");
                keys = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    keys.Add(ReadEntry(ref reader, $"keys[{keys.Count}]"));
                }
            }
            Expect(keys is { Count: > 0 }, "no \"keys\" array with at least one key");
            var duplicate = keys!.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            Expect(duplicate is null, $"the name '{duplicate?.Key}' is given to more than one key");
            return keys!;
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})", e);
        }
    }

    private static ClientKey ReadEntry(ref Utf8JsonReader reader, string where)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, $"{where} must be an object");
        string? name = null;
        byte[]? sha256 = null;
        List<string>? models = null;
        int? sessions = null, requests = null;
        long? tokens = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                Expect(!string.IsNullOrWhiteSpace(name), $"{where}.name must be a non-empty string");
            }
            else if (reader.ValueTextEquals("sha256"u8))
            {
                reader.Read();
                sha256 = reader.TokenType == JsonTokenType.String ? Digest(reader.GetString()!) : null;
                Expect(sha256 is not null, $"{where}.sha256 must be 64 hex digits (the SHA-256 of the key)");
            }
            else if (reader.ValueTextEquals("models"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, $"{where}.models must be an array of strings");
                models = [];
                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    models.Add(reader.GetString()!);
                }
                Expect(reader.TokenType == JsonTokenType.EndArray, $"{where}.models must be an array of strings");
            }
            else if (reader.ValueTextEquals("maxConcurrentSessions"u8))
            {
                sessions = (int)Limit(ref reader, $"{where}.maxConcurrentSessions", int.MaxValue);
            }
            else if (reader.ValueTextEquals("requestsPerMinute"u8))
            {
                requests = (int)Limit(ref reader, $"{where}.requestsPerMinute", RequestRateLimiter.MaxRequestsPerMinute);
            }
            else if (reader.ValueTextEquals("tokensPerDay"u8))
            {
                tokens = Limit(ref reader, $"{where}.tokensPerDay", long.MaxValue);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        Expect(name is not null, $"{where}.name is required");
        Expect(sha256 is not null, $"{where}.sha256 is required");
        return new ClientKey(name!.Trim(), sha256!)
        {
            Models = models, MaxConcurrentSessions = sessions, RequestsPerMinute = requests, TokensPerDay = tokens,
        };
    }

    /// <summary>A whole number from 1 to <paramref name="max"/>: a limit of 0 would be a key that can do nothing, better removed.</summary>
    private static long Limit(ref Utf8JsonReader reader, string where, long max)
    {
        reader.Read();
        var value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : 0;
        Expect(value >= 1 && value <= max, $"{where} must be a whole number from 1 to {max}");
        return value;
    }

    private static byte[]? Digest(string hex)
    {
        var digest = new byte[32];
        return hex.Length == 64 && Convert.FromHexString(hex, digest, out _, out _) == OperationStatus.Done ? digest : null;
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }
}
