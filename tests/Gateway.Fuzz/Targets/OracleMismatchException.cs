namespace Gateway.Fuzz.Targets;

/// <summary>An accepted input that the slow oracle reads differently: a crash for afl-fuzz.</summary>
internal sealed class OracleMismatchException(string message) : Exception(message);
