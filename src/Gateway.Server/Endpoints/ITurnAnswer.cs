using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>A whole answer: the turn's pushes collected, then sent as one response in the door's format.</summary>
internal interface IWholeAnswer : ITurnSink, IDisposable
{
    /// <summary>The turn's failure, if it failed: then nothing else counts.</summary>
    ApiError? Failure { get; }

    byte[] ToJson();
}

/// <summary>A streamed answer: each push written into the door's event stream as it comes; the head goes with the first.</summary>
/// <remarks><see cref="ITurnSink.Failed"/> answers with the failure's own status while the stream is not yet open, else ends it in-band.</remarks>
internal interface IStreamedAnswer : ITurnSink, IDisposable
{
    /// <summary>After the turn: the stream's closing events; nothing after a failure.</summary>
    void WriteEnd();
}
