namespace Gateway.Server.Endpoints;

/// <summary>The ids the front doors give their answers: a prefix of the API's (<c>chatcmpl-</c>, <c>msg_</c>, <c>resp_</c>) and random characters.</summary>
/// <remarks>
/// An id only has to be unique, not secret (a stored response is found only with the key that made it), so a fast
/// pseudo-random generator serves: the cryptographic one took 3–4 % of the CPU samples in a profile of perf/ scenario
/// 6's streaming load.
/// </remarks>
internal static class RandomIds
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string HexDigits = "0123456789abcdef";

    /// <summary>The prefix and 24 random alphanumerics (62^24 values), as chat completions and Anthropic's messages are named.</summary>
    public static string Create(string prefix) => Create(prefix, 24, Alphanumerics);

    /// <summary>The prefix and 48 hex digits, the Responses API's form (<c>resp_</c>, <c>msg_</c>, <c>fc_</c>, <c>rs_</c>).</summary>
    public static string CreateHex(string prefix) => Create(prefix, 48, HexDigits);

    private static string Create(string prefix, int length, string alphabet) =>
        string.Create(prefix.Length + length, (prefix, alphabet), static (id, state) =>
        {
            state.prefix.CopyTo(id);
            Random.Shared.GetItems(state.alphabet, id[state.prefix.Length..]);
        });
}
