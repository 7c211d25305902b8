namespace Gateway.Server.Transport;

/// <summary>The peer reset or dropped the connection while bytes were still moving.</summary>
internal sealed class ConnectionResetException(Exception inner)
    : IOException("The connection was reset by the peer.", inner);
