namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>An environment for <c>GatewayOptions.FromEnvironment</c> made of the given variables only.</summary>
internal static class EnvironmentVariables
{
    public static Func<string, string?> Of(params (string Name, string Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
