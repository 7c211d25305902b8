using System.Diagnostics;

namespace Gateway.Tools.BuiltIn;

/// <summary>A long-lived process the gateway talks to over stdin/stdout (an MCP server, issue 18), in its own process group.</summary>
public static class ServerProcess
{
    /// <summary>
    /// The whole environment of a server: the variables bash gets (<see cref="BwrapCommand.PassedVariables"/>), HOME, then the
    /// server's own <paramref name="variables"/>, which win. Never the rest of the gateway's (API keys), sandboxed or not.
    /// </summary>
    /// <param name="environment">Reads the gateway's variables (<see cref="System.Environment.GetEnvironmentVariable(string)"/>; a test's stand-in).</param>
    public static List<KeyValuePair<string, string>> Environment(
        IEnumerable<KeyValuePair<string, string>> variables, string home, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(environment);
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in BwrapCommand.PassedVariables)
        {
            if (environment(name) is { } value)
            {
                all[name] = value;
            }
        }
        all["HOME"] = home;
        foreach (var (name, value) in variables)
        {
            all[name] = value;
        }
        return [.. all];
    }

    /// <summary>
    /// Starts <paramref name="command"/> (no shell) through <c>setsid</c>, in the context's sandbox when it has one, with only
    /// <paramref name="environment"/>, stdin open for the caller and stdout/stderr piped. End it with <see cref="KillAsync"/>.
    /// </summary>
    /// <param name="network">In the sandbox, whether it reaches the host's network.</param>
    /// <exception cref="System.ComponentModel.Win32Exception">setsid cannot be started, or not in <paramref name="workingDirectory"/>.</exception>
    public static Task<Process> StartAsync(
        ToolContext context, IReadOnlyList<string> command, IEnumerable<KeyValuePair<string, string>> environment, bool network, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(context);
        var arguments = context.Sandbox is null ? command : BwrapCommand.ServerArguments(context, command, network, workingDirectory);
        return ProcessGroup.StartWithInputAsync(arguments, workingDirectory, environment);
    }

    /// <summary>Kills the process group <paramref name="groupId"/> (the started process's id) until none of it is alive, within 1 s.</summary>
    public static Task KillAsync(int groupId) => ProcessGroup.KillAsync(groupId);
}
