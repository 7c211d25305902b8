namespace Gateway.IntegrationTests.Providers;

/// <summary>
/// Responses API streams: the function-call lines verbatim from OpenAI's function-calling guide (output_index renumbered
/// to 2), the others built field for field from the openai-python SDK's event types, with the <c>event:</c> lines the API sends.
/// </summary>
internal static class OpenAiResponsesStreamScripts
{
    /// <summary>A reasoning summary with its encrypted item, text, a function call streamed in pieces, usage with cached tokens.</summary>
    public const string ReasoningTextAndCall = """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5-codex","output":[],"usage":null}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}

        event: response.reasoning_summary_text.delta
        data: {"type":"response.reasoning_summary_text.delta","sequence_number":2,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Checking the weather**"}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the weather**"}],"encrypted_content":"gAAAAABoENC1"}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":4,"output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}

        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Let me look."}

        event: response.output_item.added
        data: {"type":"response.output_item.added","response_id":"resp_1234xyz","output_index":2,"item":{"type":"function_call","id":"fc_1234xyz","call_id":"call_1234xyz","name":"get_weather","arguments":""}}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":"{\""}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":"location"}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":"\":\""}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":"Paris"}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":","}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":" France"}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","response_id":"resp_1234xyz","item_id":"fc_1234xyz","output_index":2,"delta":"\"}"}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":13,"output_index":2,"item":{"type":"function_call","id":"fc_1234xyz","call_id":"call_1234xyz","name":"get_weather","arguments":"{\"location\":\"Paris, France\"}","status":"completed"}}

        event: response.completed
        data: {"type":"response.completed","sequence_number":14,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5-codex","output":[],"usage":{"input_tokens":120,"input_tokens_details":{"cached_tokens":64},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":16},"total_tokens":160}}}


        """;

    /// <summary>Text cut short by max_output_tokens.</summary>
    public const string Incomplete = """
        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"It was a"}

        event: response.incomplete
        data: {"type":"response.incomplete","sequence_number":2,"response":{"id":"resp_2","object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,"total_tokens":13}}}


        """;

    /// <summary>A response that failed after some text.</summary>
    public const string Failed = """
        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}

        event: response.failed
        data: {"type":"response.failed","sequence_number":2,"response":{"id":"resp_3","object":"response","status":"failed","error":{"code":"server_error","message":"The model failed."},"output":[]}}


        """;

    /// <summary>An error event, as the API sends for a stream it cannot go on with.</summary>
    public const string Error = """
        event: error
        data: {"type":"error","sequence_number":1,"code":"rate_limit_exceeded","message":"Slow down.","param":null}


        """;
}
