namespace Gateway.Server.Endpoints;

/// <summary>Why a request body was refused: the status and the exact message of SPEC §3/§4.</summary>
internal sealed class RequestError(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static RequestError InvalidJson() => new(400, "Invalid JSON body");

    public static RequestError BadRequest(string message) => new(400, message);
}
