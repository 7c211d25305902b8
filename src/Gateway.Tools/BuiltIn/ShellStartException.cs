namespace Gateway.Tools.BuiltIn;

/// <summary><c>setsid</c> could not start the shell (missing, or the process table full): nothing ran.</summary>
public sealed class ShellStartException(string message, Exception innerException) : Exception(message, innerException);
