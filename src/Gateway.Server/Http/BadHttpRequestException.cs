namespace Gateway.Server.Http;

/// <summary>A request the server refuses; the connection answers with the reason's status and closes.</summary>
internal sealed class BadHttpRequestException(RequestRejectionReason reason)
    : Exception(reason.ToString())
{
    public RequestRejectionReason Reason { get; } = reason;

    public int StatusCode => RequestRejection.StatusCode(Reason);
}
