using System.Text.Json;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary>
/// What the front doors' stream writers share: their frames, the flush that waits while the client is behind, and the
/// failure that is the whole response before the stream opened (with its own status) and the stream's last event after.
/// </summary>
internal abstract class StreamedAnswerWriter(EventStream stream, CancellationToken cancellationToken) : IDisposable
{
    protected JsonFrames Frames { get; } = new(stream);

    protected Utf8JsonWriter Json => Frames.Json;

    /// <summary>Whether the turn failed: nothing more is written.</summary>
    protected bool HasFailed { get; private set; }

    /// <summary>The SSE event type of an error frame; none for OpenAI's <c>data:</c>-only stream.</summary>
    protected virtual ReadOnlySpan<byte> ErrorEventType => default;

    public void Failed(string message, int statusCode)
    {
        HasFailed = true;
        var error = Error(message, statusCode);
        if (stream.TryAbandonUnopened())
        {
            error.Respond(stream.Exchange);
            return;
        }
        using var frames = Frames.Begin(out _);
        Frames.BeginFrame(ErrorEventType);
        error.WriteTo(Json);
        Frames.EndFrame();
    }

    public ValueTask FlushAsync() => stream.FlushAsync(cancellationToken);

    public bool IsBehind => stream.IsBehind;

    public void Dispose() => Frames.Dispose();

    /// <summary>A provider's failure in the door's error shape.</summary>
    protected abstract ApiError Error(string message, int statusCode);
}
