using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>Writes one streamed model turn in a door's API format; <see cref="ITurnSink.Failed"/> ends it with an error.</summary>
internal interface ITurnStreamWriter : ITurnSink, IDisposable
{
    /// <summary>After a turn that did not fail: the stream's last events.</summary>
    void WriteEnd();
}
