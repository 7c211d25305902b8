using System.Buffers;

namespace Gateway.Server.Sse;

/// <summary>Writes the frames a stream begins with (Anthropic's <c>message_start</c>), when its head is sent before any event.</summary>
internal interface IStreamOpening
{
    /// <summary>Called under the stream's lock, on the heartbeat's thread.</summary>
    void WriteOpening(IBufferWriter<byte> output);
}
