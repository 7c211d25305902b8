using System.Security.Cryptography;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>What names one completion: its id (<c>chatcmpl-</c> and 24 random alphanumerics), creation time and model.</summary>
/// <param name="Created">Unix seconds.</param>
/// <param name="Model">The model as the caller named it.</param>
internal sealed record CompletionIdentity(string Id, long Created, string Model)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static CompletionIdentity Create(string model) =>
        new("chatcmpl-" + RandomNumberGenerator.GetString(Alphabet, 24), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model);
}
