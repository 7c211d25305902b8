namespace Gateway.Server.Providers.Local;

/// <summary>A turn the local runtime cannot serve; the message is for the client's error event.</summary>
/// <param name="statusCode">The HTTP status for a front door's caller (<see cref="ProviderEvent.Failed"/>): 500 unless said otherwise.</param>
internal sealed class LocalModelException(string message, Exception? inner = null, int statusCode = 500) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}
