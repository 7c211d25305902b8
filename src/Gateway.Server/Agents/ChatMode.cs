namespace Gateway.Server.Agents;

/// <summary>What a /chat session runs (SPEC §3 <c>mode</c>): anything but <c>"rlm"</c> is agent mode.</summary>
internal enum ChatMode
{
    /// <summary>The agent loop with tools (SPEC §6).</summary>
    Agent,

    /// <summary>The Recursive Language Model harness: a JavaScript REPL over <c>context</c> (SPEC §8).</summary>
    Rlm,
}
