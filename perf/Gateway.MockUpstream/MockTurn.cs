namespace Gateway.MockUpstream;

/// <summary>One answer of the mock in both modes: the stream cut where the gaps go, the same bytes whole, and the non-streamed response.</summary>
public sealed record MockTurn(byte[][] Segments, byte[] StreamWhole, byte[] Answer);
