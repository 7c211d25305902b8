using System.Buffers;

namespace Gateway.Server.Sse;

/// <summary>Something that writes itself as whole SSE frames (WHATWG HTML §9.2.5): a field line per field and a blank line after each frame.</summary>
internal interface ISseFrame
{
    void WriteSseFrame(IBufferWriter<byte> output);
}
