using System.Buffers;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Sse;

/// <summary>
/// Writes a stream's frames whose data is one JSON object (the API front doors' events), straight into its
/// <see cref="EventStream"/>'s pending buffer, through one <see cref="Utf8JsonWriter"/> reused for every frame.
/// </summary>
internal sealed class JsonFrames(EventStream stream) : IDisposable
{
    private Utf8JsonWriter? _json;
    private IBufferWriter<byte> _output = null!;

    public EventStream Stream => stream;

    /// <summary>The current frame's JSON, between <see cref="BeginFrame"/> and <see cref="EndFrame"/>.</summary>
    public Utf8JsonWriter Json => _json!;

    /// <summary>Takes the stream's pending buffer for a batch of frames, first sending the stream's head if it is not open yet.</summary>
    /// <param name="opened">Whether this call opened the stream, so the caller writes its API's opening frame first.</param>
    public EventStream.FrameScope Begin(out bool opened)
    {
        var frames = stream.BeginFrames(out opened);
        _output = frames.Output;
        return frames;
    }

    /// <summary>Writes the next frames into <paramref name="output"/> (the stream's pending buffer, under its lock, when the heartbeat opens it).</summary>
    public void Into(IBufferWriter<byte> output) => _output = output;

    /// <summary>An <c>event:</c> line when <paramref name="eventType"/> is not empty, then <c>data: </c>, for <see cref="Json"/> to fill.</summary>
    public void BeginFrame(ReadOnlySpan<byte> eventType = default)
    {
        if (!eventType.IsEmpty)
        {
            _output.Write("event: "u8);
            _output.Write(eventType);
            _output.Write("\n"u8);
        }
        _output.Write("data: "u8);
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_output, JsonStringEncoder.WriterOptions);
        }
        else
        {
            _json.Reset(_output);
        }
    }

    /// <summary>Ends the frame (WHATWG HTML §9.2.6: a blank line dispatches the event).</summary>
    public void EndFrame()
    {
        Json.Flush();
        _output.Write("\n\n"u8);
    }

    /// <summary>A frame of fixed bytes (OpenAI's <c>data: [DONE]</c>).</summary>
    public void WriteRaw(ReadOnlySpan<byte> frame) => _output.Write(frame);

    public void Dispose() => _json?.Dispose();
}
