namespace Gateway.Server.Providers.Local.Tools;

/// <summary>Tells a model's tool family from its chat template text, in llama.cpp's order (<c>common_chat_params_init</c>).</summary>
internal static class LocalToolFamilies
{
    public static LocalToolFamily Detect(string? template)
    {
        if (template is null)
        {
            return LocalToolFamily.Fallback;
        }
        if (template.Contains("<tool_call>", StringComparison.Ordinal))
        {
            // Qwen3-Coder's XML calls (<function=NAME><parameter=…>) are not read yet: the model is taught Hermes syntax instead.
            return template.Contains("<function=", StringComparison.Ordinal) ? LocalToolFamily.Fallback : LocalToolFamily.Hermes;
        }
        if (template.Contains("<|start_header_id|>ipython<|end_header_id|>", StringComparison.Ordinal))
        {
            return LocalToolFamily.Llama3;
        }
        return template.Contains("[TOOL_CALLS]", StringComparison.Ordinal) ? LocalToolFamily.Mistral : LocalToolFamily.Fallback;
    }

    /// <summary>The text that opens a call in the family's answers.</summary>
    public static string Opener(this LocalToolFamily family) => family switch
    {
        LocalToolFamily.Llama3 => "<|python_tag|>",
        LocalToolFamily.Mistral => "[TOOL_CALLS]",
        _ => "<tool_call>",
    };

    /// <summary>The text that closes a call, for the families that write one.</summary>
    public static string? Closer(this LocalToolFamily family) => family is LocalToolFamily.Hermes or LocalToolFamily.Fallback ? "</tool_call>" : null;
}
