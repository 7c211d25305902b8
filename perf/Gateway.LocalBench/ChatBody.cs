namespace Gateway.LocalBench;

/// <summary>A POST /chat body: one user message.</summary>
internal sealed record ChatBody(string Model, ChatBodyMessage[] Messages);
