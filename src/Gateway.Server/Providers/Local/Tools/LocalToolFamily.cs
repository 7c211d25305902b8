namespace Gateway.Server.Providers.Local.Tools;

/// <summary>How a local model writes tool calls, told by its chat template (design §1.4; llama.cpp <c>common/chat.cpp</c>).</summary>
internal enum LocalToolFamily
{
    /// <summary>No known tool syntax (no template, or one without tools): the gateway teaches Hermes syntax in the prompt.</summary>
    Fallback,

    /// <summary>Hermes 2/3 Pro, Qwen 2.5: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>.</summary>
    Hermes,

    /// <summary>Llama 3.1/3.2: <c>{"name": …, "parameters": {…}}</c> at the start of the answer or after <c>&lt;|python_tag|&gt;</c>.</summary>
    Llama3,

    /// <summary>Mistral: <c>[TOOL_CALLS] [{"name": …, "arguments": {…}, "id": …}]</c>, or <c>[TOOL_CALLS]name[ARGS]{…}</c> (v7/tekken).</summary>
    Mistral,
}
