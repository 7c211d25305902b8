namespace Gateway.Server.Configuration;

/// <summary>A configuration value that cannot be used; the message names the variable and what it accepts.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
