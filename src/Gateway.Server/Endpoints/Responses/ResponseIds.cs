namespace Gateway.Server.Endpoints.Responses;

/// <summary>Ids in OpenAI's form: a type prefix (<c>resp_</c>, <c>msg_</c>, <c>fc_</c>, <c>rs_</c>) and 48 hex digits.</summary>
/// <remarks>
/// Unique, not secret: a stored response is found only with the key that made it (<see cref="ResponseStore"/>), so
/// the fast generator serves, as for completion ids (CompletionIdentity).
/// </remarks>
internal static class ResponseIds
{
    private const int RandomLength = 48;
    private const string Hex = "0123456789abcdef";

    public static string New(string prefix) =>
        string.Create(prefix.Length + RandomLength, prefix, static (id, prefix) =>
        {
            prefix.CopyTo(id);
            Random.Shared.GetItems(Hex, id[prefix.Length..]);
        });
}
