namespace Gateway.Server.Configuration;

/// <summary>The start of every host of the gateway's endpoints: <c>--help</c>, unknown arguments, and the environment read into options.</summary>
internal static class CommandLine
{
    /// <summary>
    /// The options to run with, or null with <paramref name="exitCode"/> set when the process should
    /// stop now: 0 after <c>--help</c>, 2 for an unknown argument or a bad variable (the message is on standard error).
    /// </summary>
    /// <param name="banner">A first line for <c>--help</c> naming the host; null for none.</param>
    public static GatewayOptions? Parse(string[] args, string? banner, out int exitCode)
    {
        exitCode = 0;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            if (banner is not null)
            {
                Console.WriteLine(banner);
                Console.WriteLine();
            }
            Console.WriteLine(GatewayOptions.HelpText());
            return null;
        }
        exitCode = 2;
        if (args.Length > 0)
        {
            Console.Error.WriteLine($"Unknown argument '{args[0]}'. Run with --help for the configuration variables.");
            return null;
        }
        try
        {
            var options = GatewayOptions.FromEnvironment(Environment.GetEnvironmentVariable);
            exitCode = 0;
            return options;
        }
        catch (ConfigurationException e)
        {
            Console.Error.WriteLine($"Configuration error: {e.Message}");
            return null;
        }
    }
}
