namespace Gateway.LocalBench;

internal sealed record ChatBodyMessage(string Role, string Content);
