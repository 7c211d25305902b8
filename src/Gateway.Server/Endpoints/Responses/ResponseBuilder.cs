using System.Buffers;
using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>Builds a response's <c>output</c> items from a model turn, in the order the model produced them.</summary>
/// <remarks>
/// Text and reasoning go into one item each until something else comes; each tool call is its own item from its
/// start until the provider completes it (calls may stream side by side). The hooks are where a stream
/// (<see cref="ResponseEventWriter"/>) writes its events; a whole answer uses the items at the end.
/// </remarks>
internal class ResponseBuilder(ResponsesRequest request, ResponseStore store) : ITurnSink, IDisposable
{
    private readonly List<OutputItem> _items = [];
    private readonly Dictionary<int, CallOutput> _calls = [];
    private OutputItem? _open;
    private FinishReason? _finish;

    public ResponseIdentity Identity { get; } = ResponseIdentity.Create();

    public ResponsesRequest Request => request;

    public IReadOnlyList<OutputItem> Items => _items;

    public TokenUsage Tokens { get; private set; }

    /// <summary>The turn's failure, if it failed: then nothing else counts.</summary>
    public ApiError? Failure { get; private set; }

    /// <summary>A response the token limit or a filter cut is <c>incomplete</c>; otherwise it is <c>completed</c>.</summary>
    public ResponseStatus Status => Failure is not null ? ResponseStatus.Failed
        : _finish is FinishReason.Length or FinishReason.ContentFilter ? ResponseStatus.Incomplete : ResponseStatus.Completed;

    public FinishReason? Finish => _finish;

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        if (_open is not MessageOutput message)
        {
            message = Open(new MessageOutput(_items.Count));
        }
        message.Text.Write(text);
        OnTextDelta(message, text);
    }

    public void Reasoning(ReadOnlySpan<byte> text)
    {
        if (_open is not ReasoningOutput reasoning)
        {
            reasoning = Open(new ReasoningOutput(_items.Count));
        }
        reasoning.Summary.Write(text);
        OnReasoningDelta(reasoning, text);
    }

    /// <summary>The API's whole reasoning item ends the reasoning it streamed, or stands alone when none was streamed.</summary>
    public void ReasoningItem(ReasoningItem item)
    {
        if (_open is not ReasoningOutput reasoning)
        {
            reasoning = Open(new ReasoningOutput(_items.Count));
            if (item.Text is { Length: > 0 } text)
            {
                var utf8 = Encoding.UTF8.GetBytes(text);
                reasoning.Summary.Write(utf8);
                OnReasoningDelta(reasoning, utf8);
            }
        }
        reasoning.Item = item;
        CloseOpen();
    }

    public void ToolCallStarted(int index, string id, string name)
    {
        CloseOpen();
        var call = _calls[index] = new CallOutput(_items.Count, id, name);
        _items.Add(call);
        OnItemAdded(call);
    }

    public void ToolArguments(int index, string text)
    {
        // Providers start a call before its arguments; a piece of an unknown call has nowhere to go.
        if (_calls.TryGetValue(index, out var call))
        {
            call.ArgumentsStreamed = true;
            OnArgumentsDelta(call, text);
        }
    }

    public void ToolCalled(ToolCallRequest call, int index)
    {
        if (!_calls.Remove(index, out var started))
        {
            ToolCallStarted(index, call.Id, call.Name);
            _calls.Remove(index, out started);
        }
        started!.Call = call;
        OnCallDone(started);
    }

    public void Finished(FinishReason reason) => _finish = reason;

    public void Usage(TokenUsage usage) => Tokens = usage;

    public virtual void Failed(string message, int statusCode) => Failure = OpenAiError.FromProvider(message, statusCode);

    public virtual ValueTask FlushAsync() => ValueTask.CompletedTask;

    public virtual bool IsBehind => false;

    /// <summary>After the turn: the last open item is done, and a finished response is kept when the caller asked for that.</summary>
    /// <remarks>Kept before the caller can see its id, so a next request naming it always finds it.</remarks>
    protected void EndTurn()
    {
        CloseOpen();
        if (request.Store && Failure is null)
        {
            store.Add(Identity.Id, request.Key, [.. request.Conversation, AssistantMessage()]);
        }
    }

    /// <summary>The output as the assistant message a next turn's history holds; reasoning only where its API wants it back.</summary>
    private ChatMessage AssistantMessage()
    {
        var text = new StringBuilder();
        var calls = new List<ToolCallRequest>();
        var reasoning = new List<ReasoningItem>();
        foreach (var item in _items)
        {
            switch (item)
            {
                case MessageOutput message:
                    text.Append(Encoding.UTF8.GetString(message.Text.WrittenMemory.Span));
                    break;
                case CallOutput { Call: { } call }:
                    calls.Add(call);
                    break;
                case ReasoningOutput { Item: { } kept }:
                    reasoning.Add(kept);
                    break;
            }
        }
        return ChatMessage.Assistant(text.ToString(), calls, reasoning);
    }

    protected virtual void OnItemAdded(OutputItem item)
    {
    }

    protected virtual void OnTextDelta(MessageOutput message, ReadOnlySpan<byte> text)
    {
    }

    protected virtual void OnReasoningDelta(ReasoningOutput reasoning, ReadOnlySpan<byte> text)
    {
    }

    protected virtual void OnArgumentsDelta(CallOutput call, string text)
    {
    }

    /// <summary>A text or reasoning item is done: something else came, or the turn ended.</summary>
    protected virtual void OnItemDone(OutputItem item)
    {
    }

    protected virtual void OnCallDone(CallOutput call)
    {
    }

    private T Open<T>(T item) where T : OutputItem
    {
        CloseOpen();
        _open = item;
        _items.Add(item);
        OnItemAdded(item);
        return item;
    }

    private void CloseOpen()
    {
        if (_open is { } open)
        {
            _open = null;
            OnItemDone(open);
        }
    }

    /// <summary>Gives the text buffers back to the pool.</summary>
    public virtual void Dispose()
    {
        foreach (var item in _items)
        {
            (item as MessageOutput)?.Text.Release();
            (item as ReasoningOutput)?.Summary.Release();
        }
    }
}
