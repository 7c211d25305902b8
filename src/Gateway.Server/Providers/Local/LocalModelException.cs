namespace Gateway.Server.Providers.Local;

/// <summary>A turn the local runtime cannot serve; the message is for the client's error event.</summary>
internal sealed class LocalModelException(string message, Exception? inner = null) : Exception(message, inner);
