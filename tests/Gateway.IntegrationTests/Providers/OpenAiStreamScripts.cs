namespace Gateway.IntegrationTests.Providers;

/// <summary>Chat-completions streams as OpenAI-compatible servers send them (shapes from the API reference and real captures).</summary>
internal static class OpenAiStreamScripts
{
    public const string Text = """
        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        : keep-alive comment

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo, wörld 🙂 \"quoted\""},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}

        data: [DONE]


        """;

    public const string Reasoning = """
        data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Think"},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"reasoning":"ing…"},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"reasoning_content":" more","reasoning":" more"},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"content":"Answer"},"finish_reason":"stop"}]}

        data: [DONE]


        """;

    /// <summary>Three parallel calls, fragments interleaved: the first fragment of call 0 already carries arguments, call 1 has none.</summary>
    public const string ParallelToolCalls = """
        data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read","arguments":"{\"filePath\":"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"now","arguments":""}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"id":"call_c","type":"function","function":{"name":"bash","arguments":""}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"{\"command\":\"l"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"docs/a b.txt\"}"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"s -la\"}"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]


        """;

    public const string InvalidArguments = """
        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_x","type":"function","function":{"name":"bash","arguments":"{\"command\": \"ls"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_y","type":"function","function":{"name":"read","arguments":"[1,2]"}}]},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]


        """;

    /// <summary>A server that omits <c>index</c> and repeats the id on every fragment; a null <c>error</c> is no error.</summary>
    public const string ToolCallsWithoutIndex = """
        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"filePath\":"}}]}}],"error":null}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","function":{"arguments":"\"x\"}"}}]}}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"now","arguments":"{}"}}]}}]}

        data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]


        """;

    public const string MidStreamError = """
        data: {"choices":[{"index":0,"delta":{"content":"Par"},"finish_reason":null}]}

        data: {"error":{"message":"Provider disconnected","code":502}}


        """;

    /// <summary>Text, then the body ends properly but without <c>[DONE]</c>.</summary>
    public const string NoDone = """
        data: {"choices":[{"index":0,"delta":{"content":"Hal"},"finish_reason":null}]}


        """;

    /// <summary>Text asked for with <c>logprobs</c> and <c>top_logprobs:1</c>: each content chunk carries its tokens' log probabilities.</summary>
    public const string TextWithLogprobs = """
        data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.25,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]}]}],"refusal":null},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{"content":" there"},"logprobs":{"content":[{"token":" there","logprob":-1.5e-05,"bytes":[32,116,104,101,114,101],"top_logprobs":[{"token":" there","logprob":-1.5e-05,"bytes":[32,116,104,101,114,101]}]}],"refusal":null},"finish_reason":null}]}

        data: {"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

        data: [DONE]


        """;

    /// <summary>The end of an answer: finish, usage and <c>[DONE]</c>.</summary>
    public const string Ending = """
        data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":6,"total_tokens":15}}

        data: [DONE]


        """;
}
