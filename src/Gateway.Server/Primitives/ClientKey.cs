using System.Buffers;
using System.IO.Enumeration;

namespace Gateway.Server.Primitives;

/// <summary>
/// A client's bearer key as the gateway knows it: its name, the SHA-256 of the key (never the key), and its limits
/// (GATEWAY_KEYS_FILE, issue 14); a null limit is no limit.
/// </summary>
internal sealed class ClientKey(string name, byte[] sha256)
{
    private const int MaxStackChars = 256;

    public string Name { get; } = name;

    /// <summary>The SHA-256 digest of the key's UTF-8 bytes.</summary>
    public byte[] Sha256 { get; } = sha256;

    /// <summary>Globs (<c>*</c>, <c>?</c>) over model ids the key may use; null: every model.</summary>
    public IReadOnlyList<string>? Models { get; init; }

    public int? MaxConcurrentSessions { get; init; }

    public int? RequestsPerMinute { get; init; }

    /// <summary>Input plus output tokens per UTC day.</summary>
    public long? TokensPerDay { get; init; }

    /// <summary>Whether a glob matches the model as the client named it or as <c>provider/model</c>, its provider's name and id upstream.</summary>
    /// <remarks>So <c>openai/*</c> allows every model the <c>openai</c> provider serves, also when named without the prefix.</remarks>
    public bool AllowsModel(string model, string provider, string providerModel)
    {
        if (AllowsModel(model))
        {
            return true;
        }
        // Asked on every request of a key with models: provider/model goes on the stack (a rented array past 256
        // characters), not into a new string each time (perf/README.md, scenario 13: bytes allocated per request).
        var length = provider.Length + 1 + providerModel.Length;
        char[]? rented = null;
        Span<char> qualified = length <= MaxStackChars ? stackalloc char[MaxStackChars] : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            provider.CopyTo(qualified);
            qualified[provider.Length] = '/';
            providerModel.CopyTo(qualified[(provider.Length + 1)..]);
            return AllowsModel(qualified[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <remarks><c>*</c> matches any run of characters, '/' included: <c>openai/*</c> is every OpenAI model.</remarks>
    public bool AllowsModel(string model) => AllowsModel(model.AsSpan());

    private bool AllowsModel(ReadOnlySpan<char> model)
    {
        if (Models is null)
        {
            return true;
        }
        // By index: foreach over the interface would allocate an enumerator on every request.
        for (var i = 0; i < Models.Count; i++)
        {
            if (FileSystemName.MatchesSimpleExpression(Models[i], model, ignoreCase: false))
            {
                return true;
            }
        }
        return false;
    }
}
