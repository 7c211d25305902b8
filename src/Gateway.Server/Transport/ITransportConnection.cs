using System.IO.Pipelines;
using System.Net;

namespace Gateway.Server.Transport;

/// <summary>A byte stream to a peer as the HTTP layer sees it: two pipes and a way to cut them.</summary>
internal interface ITransportConnection
{
    /// <summary>Bytes from the peer; completes when the peer stops sending.</summary>
    PipeReader Input { get; }

    /// <summary>Bytes to the peer; completing it closes the connection gracefully.</summary>
    PipeWriter Output { get; }

    /// <summary>The peer's address, where there is one (a span's client.address).</summary>
    EndPoint? RemoteEndPoint => null;

    /// <summary>Ends the connection at once, discarding whatever is unsent.</summary>
    void Abort();
}
