namespace Gateway.Server.Endpoints;

/// <summary>The ids the front doors give their answers: a prefix of the API's (<c>chatcmpl-</c>, <c>msg_</c>) and 24 random alphanumerics.</summary>
internal static class RandomIds
{
    private const int RandomLength = 24;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <remarks>
    /// An id only has to be unique, not secret (62^24 values), so a fast pseudo-random generator serves: the
    /// cryptographic one took 3–4 % of the CPU samples in a profile of perf/ scenario 6's streaming load.
    /// </remarks>
    public static string Create(string prefix) =>
        string.Create(prefix.Length + RandomLength, prefix, static (id, prefix) =>
        {
            prefix.CopyTo(id);
            Random.Shared.GetItems(Alphabet, id[prefix.Length..]);
        });
}
