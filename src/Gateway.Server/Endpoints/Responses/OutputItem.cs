using Gateway.Server.Conversation;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>One item of a response's <c>output</c> as the turn builds it: its id and its place in the output.</summary>
internal abstract class OutputItem(string id, int outputIndex)
{
    public string Id { get; } = id;

    public int OutputIndex { get; } = outputIndex;
}

/// <summary>A <c>message</c>: the answer's text, one <c>output_text</c> part.</summary>
internal sealed class MessageOutput(int outputIndex) : OutputItem(RandomIds.CreateHex("msg_"), outputIndex)
{
    public PooledBufferWriter Text { get; } = new();
}

/// <summary>A <c>reasoning</c> item: the reasoning as its one summary part, and the API's item for the next turn once it came.</summary>
internal sealed class ReasoningOutput(int outputIndex) : OutputItem(RandomIds.CreateHex("rs_"), outputIndex)
{
    public PooledBufferWriter Summary { get; } = new();

    public ReasoningItem? Item { get; set; }

    /// <summary>Whether the summary part was announced (streaming: with the first reasoning text).</summary>
    public bool PartStarted { get; set; }
}

/// <summary>A <c>function_call</c>: the provider's call id is its <c>call_id</c>, which the caller's output answers.</summary>
internal sealed class CallOutput(int outputIndex, string callId, string name) : OutputItem(RandomIds.CreateHex("fc_"), outputIndex)
{
    public string CallId { get; } = callId;

    public string Name { get; } = name;

    /// <summary>The complete call, once the provider reported it.</summary>
    public ToolCallRequest? Call { get; set; }

    /// <summary>Whether any argument text was streamed before the call completed.</summary>
    public bool ArgumentsStreamed { get; set; }
}
