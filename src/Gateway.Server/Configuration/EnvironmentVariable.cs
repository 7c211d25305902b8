namespace Gateway.Server.Configuration;

/// <summary>One configuration variable, as <c>--help</c> lists it.</summary>
/// <param name="Default">What applies when the variable is unset; null when the setting is simply off.</param>
internal sealed record EnvironmentVariable(string Name, string? Default, string Description);
