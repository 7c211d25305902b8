namespace Gateway.Server.Providers;

/// <summary>Turns one provider's SSE events into <see cref="ProviderEvent"/>s; one instance per model turn (it keeps state).</summary>
internal interface IStreamDecoder
{
    /// <summary>Decodes one event, appending what it produced to <paramref name="output"/>.</summary>
    /// <returns>
    /// True when the stream is over: the event was the end marker (pending tool calls and usage are then in
    /// <paramref name="output"/>), or an in-stream error (then the last event appended is the one Failed event).
    /// </returns>
    /// <exception cref="System.Text.Json.JsonException">The event's data is not the JSON the API documents.</exception>
    bool Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, List<ProviderEvent> output);
}
