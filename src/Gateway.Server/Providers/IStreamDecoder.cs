namespace Gateway.Server.Providers;

/// <summary>Turns one provider's SSE events into calls on an <see cref="ITurnSink"/>; one instance per model turn (it keeps state).</summary>
internal interface IStreamDecoder
{
    /// <summary>Decodes one event, pushing what it produced into <paramref name="sink"/>.</summary>
    /// <returns>
    /// <see cref="StreamDecodeResult.Ended"/> after the end marker (pending tool calls and usage then pushed),
    /// <see cref="StreamDecodeResult.Failed"/> after an in-stream error (pushed as the one failure).
    /// </returns>
    /// <exception cref="System.Text.Json.JsonException">The event's data is not the JSON the API documents.</exception>
    StreamDecodeResult Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ITurnSink sink);
}

/// <summary>Where a provider's stream stands after one event.</summary>
internal enum StreamDecodeResult : byte
{
    More,
    Ended,
    Failed,
}
