using System.Text.Json;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>Writes a streamed response as the Responses API's typed events into its <see cref="EventStream"/>.</summary>
/// <remarks>
/// Events per https://platform.openai.com/docs/api-reference/responses-streaming, each an <c>event:</c> line naming
/// its type and a <c>data:</c> line whose <c>sequence_number</c> counts from 0: <c>response.created</c> and
/// <c>response.in_progress</c> open the stream with the first event; per item <c>response.output_item.added</c>, its
/// deltas (<c>response.output_text.delta</c> inside a <c>response.content_part.added</c> / <c>.done</c> pair,
/// <c>response.reasoning_summary_text.delta</c> inside a summary part, <c>response.function_call_arguments.delta</c>),
/// their <c>.done</c> events with the whole text, and <c>response.output_item.done</c>; then <c>response.completed</c>
/// or <c>response.incomplete</c> with the whole response. A failure after the stream started is
/// <c>response.failed</c>; before, the failure's own status and error, as /v1/chat/completions answers.
/// </remarks>
internal sealed class ResponseEventWriter(
    EventStream stream, ResponsesRequest request, ResponseStore store, CancellationToken cancellationToken)
    : ResponseBuilder(request, store), IStreamedAnswer
{
    private readonly JsonFrames _frames = new(stream);
    private int _sequence;

    private Utf8JsonWriter Json => _frames.Json;

    public override ValueTask FlushAsync() => stream.FlushAsync(cancellationToken);

    public override bool IsBehind => stream.IsBehind;

    /// <summary>After the turn: the open item's end, then the whole response; nothing after a failure, which ended the stream.</summary>
    public void WriteEnd()
    {
        if (Failure is not null)
        {
            return;
        }
        EndTurn();
        using var frames = Begin();
        var status = Status;
        WriteResponseEvent(status == ResponseStatus.Incomplete ? "response.incomplete"u8 : "response.completed"u8, status);
    }

    /// <summary>Ends the call with an error: as its whole response before the stream started, else as <c>response.failed</c>.</summary>
    public override void Failed(string message, int statusCode)
    {
        base.Failed(message, statusCode);
        if (stream.TryAbandonUnopened())
        {
            Failure!.Respond(stream.Exchange);
            return;
        }
        using var frames = Begin();
        WriteResponseEvent("response.failed"u8, ResponseStatus.Failed);
    }

    protected override void OnItemAdded(OutputItem item)
    {
        using var frames = Begin();
        WriteOutputItemEvent("response.output_item.added"u8, item, done: false);
        if (item is MessageOutput)
        {
            BeginPartEvent("response.content_part.added"u8, item);
            Json.WritePropertyName("part"u8);
            ResponseJson.WriteTextPart(Json, default);
            EndEvent();
        }
    }

    protected override void OnTextDelta(MessageOutput message, ReadOnlySpan<byte> text)
    {
        using var frames = Begin();
        BeginPartEvent("response.output_text.delta"u8, message);
        Json.WriteString("delta"u8, text);
        Json.WriteStartArray("logprobs"u8);
        Json.WriteEndArray();
        EndEvent();
    }

    protected override void OnReasoningDelta(ReasoningOutput reasoning, ReadOnlySpan<byte> text)
    {
        using var frames = Begin();
        if (!reasoning.PartStarted)
        {
            reasoning.PartStarted = true;
            BeginSummaryEvent("response.reasoning_summary_part.added"u8, reasoning);
            Json.WritePropertyName("part"u8);
            ResponseJson.WriteSummaryPart(Json, default);
            EndEvent();
        }
        BeginSummaryEvent("response.reasoning_summary_text.delta"u8, reasoning);
        Json.WriteString("delta"u8, text);
        EndEvent();
    }

    protected override void OnArgumentsDelta(CallOutput call, string text)
    {
        using var frames = Begin();
        BeginItemEvent("response.function_call_arguments.delta"u8, call);
        Json.WriteString("delta"u8, text);
        EndEvent();
    }

    protected override void OnItemDone(OutputItem item)
    {
        using var frames = Begin();
        switch (item)
        {
            case MessageOutput message:
                var text = message.Text.WrittenMemory.Span;
                BeginPartEvent("response.output_text.done"u8, message);
                Json.WriteString("text"u8, text);
                Json.WriteStartArray("logprobs"u8);
                Json.WriteEndArray();
                EndEvent();
                BeginPartEvent("response.content_part.done"u8, message);
                Json.WritePropertyName("part"u8);
                ResponseJson.WriteTextPart(Json, text);
                EndEvent();
                break;
            case ReasoningOutput { PartStarted: true } reasoning:
                var summary = reasoning.Summary.WrittenMemory.Span;
                BeginSummaryEvent("response.reasoning_summary_text.done"u8, reasoning);
                Json.WriteString("text"u8, summary);
                EndEvent();
                BeginSummaryEvent("response.reasoning_summary_part.done"u8, reasoning);
                Json.WritePropertyName("part"u8);
                ResponseJson.WriteSummaryPart(Json, summary);
                EndEvent();
                break;
        }
        WriteOutputItemEvent("response.output_item.done"u8, item, done: true);
    }

    /// <summary>A call whose arguments never came in pieces gets them whole in one delta first, as a reader of deltas expects.</summary>
    protected override void OnCallDone(CallOutput call)
    {
        using var frames = Begin();
        if (!call.ArgumentsStreamed)
        {
            BeginItemEvent("response.function_call_arguments.delta"u8, call);
            CompletionJson.WriteArguments(Json, "delta"u8, call.Call!);
            EndEvent();
        }
        BeginItemEvent("response.function_call_arguments.done"u8, call);
        Json.WriteString("name"u8, call.Name);
        CompletionJson.WriteArguments(Json, call.Call!);
        EndEvent();
        WriteOutputItemEvent("response.output_item.done"u8, call, done: true);
    }

    public override void Dispose()
    {
        _frames.Dispose();
        base.Dispose();
    }

    /// <summary>Takes the stream's pending buffer for this call's events; the first opens the stream with the response's creation.</summary>
    private EventStream.FrameScope Begin()
    {
        var frames = _frames.Begin(out var opened);
        if (opened)
        {
            WriteResponseEvent("response.created"u8, ResponseStatus.InProgress);
            WriteResponseEvent("response.in_progress"u8, ResponseStatus.InProgress);
        }
        return frames;
    }

    /// <summary><c>event: type</c>, then the data's <c>{"type","sequence_number"</c>.</summary>
    private void BeginEvent(ReadOnlySpan<byte> type)
    {
        _frames.BeginFrame(type);
        Json.WriteStartObject();
        Json.WriteString("type"u8, type);
        Json.WriteNumber("sequence_number"u8, _sequence++);
    }

    private void WriteResponseEvent(ReadOnlySpan<byte> type, ResponseStatus status)
    {
        BeginEvent(type);
        Json.WritePropertyName("response"u8);
        ResponseJson.WriteResponse(Json, this, status);
        EndEvent();
    }

    /// <summary><c>response.output_item.added</c> / <c>.done</c>: the item's place, and the item.</summary>
    private void WriteOutputItemEvent(ReadOnlySpan<byte> type, OutputItem item, bool done)
    {
        BeginEvent(type);
        Json.WriteNumber("output_index"u8, item.OutputIndex);
        Json.WritePropertyName("item"u8);
        if (done)
        {
            ResponseJson.WriteItem(Json, item, Status);
        }
        else
        {
            ResponseJson.WriteStartedItem(Json, item);
        }
        EndEvent();
    }

    private void BeginItemEvent(ReadOnlySpan<byte> type, OutputItem item)
    {
        BeginEvent(type);
        Json.WriteString("item_id"u8, item.Id);
        Json.WriteNumber("output_index"u8, item.OutputIndex);
    }

    private void BeginPartEvent(ReadOnlySpan<byte> type, OutputItem item)
    {
        BeginItemEvent(type, item);
        Json.WriteNumber("content_index"u8, 0);
    }

    private void BeginSummaryEvent(ReadOnlySpan<byte> type, OutputItem item)
    {
        BeginItemEvent(type, item);
        Json.WriteNumber("summary_index"u8, 0);
    }

    private void EndEvent()
    {
        Json.WriteEndObject();
        _frames.EndFrame();
    }
}
