namespace Gateway.Server.Providers;

/// <summary>Which wire protocol a configured upstream speaks.</summary>
internal enum ProviderProtocol : byte
{
    /// <summary>OpenAI chat completions (OpenAI, OpenRouter, Zen, llama-server, vLLM, Ollama, …).</summary>
    OpenAiCompatible,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,

    /// <summary>OpenAI's Responses API (reasoning summaries, encrypted reasoning across turns, the codex models).</summary>
    OpenAiResponses,
}
