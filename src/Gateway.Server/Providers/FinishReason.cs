namespace Gateway.Server.Providers;

/// <summary>Why a model turn ended, in OpenAI's terms (<c>finish_reason</c>); each provider's own reasons map onto these.</summary>
internal enum FinishReason : byte
{
    /// <summary>The model finished its answer or hit a stop sequence (<c>stop</c>; Anthropic <c>end_turn</c>, <c>stop_sequence</c>).</summary>
    Stop,

    /// <summary>The token limit cut the answer (<c>length</c>; Anthropic <c>max_tokens</c>).</summary>
    Length,

    /// <summary>The model called tools and waits for their results (<c>tool_calls</c>; Anthropic <c>tool_use</c>).</summary>
    ToolCalls,

    /// <summary>Content was withheld by a filter (<c>content_filter</c>; Anthropic <c>refusal</c>).</summary>
    ContentFilter,
}
