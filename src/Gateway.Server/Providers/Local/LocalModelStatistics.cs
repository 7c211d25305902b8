namespace Gateway.Server.Providers.Local;

/// <summary>Counters of one model's decode loop, for tests, benchmarks and logs.</summary>
/// <param name="DecodeCalls">llama.cpp decode calls so far; several sequences share one call when they decode together.</param>
/// <param name="MaxSequencesPerDecode">The most sequences that got their next token from a single decode call.</param>
/// <param name="ActiveSequences">Sequences holding a slot: queued for the loop or being decoded.</param>
/// <param name="QueuedSequences">Sequences handed to the loop that it has not yet started.</param>
/// <param name="GeneratedTokens">Tokens sampled so far, over every sequence.</param>
/// <param name="ParkedSequences">Ended turns whose KV cache is kept for a later turn that starts the same way.</param>
/// <param name="CachedPromptTokens">Prompt tokens found already in a parked KV cache, so not prefilled again.</param>
/// <param name="PrefillTime">Time in decode calls that read some sequence's prompt.</param>
/// <param name="DecodeTime">Time in decode calls that only extended answers.</param>
internal readonly record struct LocalModelStatistics(
    long DecodeCalls, int MaxSequencesPerDecode, int ActiveSequences, int QueuedSequences, long GeneratedTokens, int ParkedSequences, long CachedPromptTokens, TimeSpan PrefillTime, TimeSpan DecodeTime);
