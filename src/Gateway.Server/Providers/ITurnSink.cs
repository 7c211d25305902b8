using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>Where a provider pushes what a model turn produces, as it decodes it, in the order it arrived.</summary>
/// <remarks>
/// The caller writes each piece into its output at once (the client's frames, the agent's history); the provider calls
/// <see cref="FlushAsync"/> when it must wait for more (the end of each upstream read), so what one read carried leaves
/// in one write, with no task or queue between the upstream and the client.
/// </remarks>
internal interface ITurnSink
{
    /// <summary>A piece of the answer, as UTF-8 (valid: the decoders replace what is not), valid only during the call.</summary>
    /// <param name="logprobs">For an OpenAI-compatible API asked for <c>logprobs</c>: the choice's <c>logprobs</c> object for this text, as sent.</param>
    void Text(ReadOnlySpan<byte> text, string? logprobs);

    /// <summary>A piece of reasoning ("thinking"), as <see cref="Text"/>.</summary>
    void Reasoning(ReadOnlySpan<byte> text);

    /// <summary>A whole reasoning item the API wants back in the next turn's history (thinking signatures, encrypted reasoning).</summary>
    void ReasoningItem(ReasoningItem item)
    {
    }

    /// <summary>A tool call begins (for callers that pass calls on as they stream); <see cref="ToolCalled"/> still follows.</summary>
    /// <param name="index">The call's number in its turn, as the provider gave it; its argument pieces and completion carry it too.</param>
    void ToolCallStarted(int index, string id, string name);

    /// <summary>A piece of a started call's argument text, exactly as the model wrote it.</summary>
    void ToolArguments(int index, string text);

    /// <summary>A complete tool call, arguments assembled.</summary>
    void ToolCalled(ToolCallRequest call, int index);

    /// <summary>Why the turn ended; once, after the content and tool calls, when the provider said.</summary>
    void Finished(FinishReason reason);

    /// <summary>Which of the request's stop sequences ended the turn, when the provider says (Anthropic's <c>stop_sequence</c>); before <see cref="Finished"/>.</summary>
    void StopSequence(string sequence)
    {
    }

    /// <summary>The call's token counts; once, after the content.</summary>
    void Usage(TokenUsage usage);

    /// <summary>The upstream failed; nothing follows. See <see cref="ProviderEvent.Failed"/> for the status.</summary>
    void Failed(string message, int statusCode);

    /// <summary>The provider must wait for more: send what it pushed so far. Waits while the client is behind.</summary>
    ValueTask FlushAsync();

    /// <summary>
    /// Whether what waits for the client has reached its bound: the provider then flushes (and so waits) before it
    /// decodes more, even when more has already arrived, so a client that stops reading stops the upstream too.
    /// </summary>
    bool IsBehind => false;
}
