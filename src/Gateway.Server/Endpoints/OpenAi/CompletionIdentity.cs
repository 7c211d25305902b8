namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>What names one completion: its id (<c>chatcmpl-</c> and 24 random alphanumerics), creation time and model.</summary>
/// <param name="Created">Unix seconds.</param>
/// <param name="Model">The model as the caller named it.</param>
internal sealed record CompletionIdentity(string Id, long Created, string Model)
{
    public static CompletionIdentity Create(string model) => new(RandomIds.Create("chatcmpl-"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model);
}
