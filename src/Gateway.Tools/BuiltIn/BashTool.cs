using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Gateway.Tools.BuiltIn;

/// <summary>The built-in <c>bash</c> tool (SPEC §7): <c>sh -c</c> in the workspace, in its own process group.</summary>
public static class BashTool
{
    public const string Name = "bash";

    private const double MinTimeout = 0;
    private const double MaxTimeout = 600;

    [Tool(Name, "Runs a shell command with sh -c in the workspace directory and returns its stdout, stderr and exit code. "
        + "Each stream is cut at 64 KiB. When the timeout expires the command and every process it started are killed.",
        AlwaysRule = nameof(AlwaysRule))]
    public static async ValueTask<ToolResult> RunAsync(
        ToolContext context,
        IToolProgress progress,
        [ToolParameter("The command line to run with sh -c")] string command,
        [ToolParameter("Seconds before the command is killed; fractions allowed", Minimum = MinTimeout, Maximum = MaxTimeout)] double timeout = 5,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(progress);
        cancellationToken.ThrowIfCancellationRequested();
        // The generated binder enforces the schema; these guard direct callers.
        if (string.IsNullOrWhiteSpace(command))
        {
            return ToolResult.Failure("command must not be empty");
        }
        if (timeout is < MinTimeout or > MaxTimeout)
        {
            return ToolResult.Failure(string.Create(CultureInfo.InvariantCulture, $"timeout must be between {MinTimeout} and {MaxTimeout} seconds"));
        }
        if (!Directory.Exists(context.WorkspaceRoot))
        {
            return ToolResult.Failure($"Workspace directory does not exist: {context.WorkspaceRoot}");
        }

        try
        {
            var result = await ShellCommand.RunAsync(context, command, context.WorkspaceRoot, timeout, progress, cancellationToken).ConfigureAwait(false);
            return result.TimedOut ? TimedOut(timeout) : Completed(result.ExitCode, result.Stdout, result.Stderr);
        }
        catch (ShellStartException e)
        {
            return ToolResult.Failure(e.Message);
        }
    }

    /// <summary>"Always" keeps only <c>command</c>, derived the SPEC §6 way (<c>git status</c> → <c>git **</c>); the generic rule would also pin <c>timeout</c>.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>>? AlwaysRule(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("command", out var command)
            ? [new("command", ToolPermissions.FirstWordGlob(ToolPermissions.StringForm(command)))]
            : null;
    }

    /// <summary>SPEC §7: <c>stdout:\n&lt;out&gt;\n</c> (if any) + <c>stderr:\n&lt;err&gt;\n</c> (if any) + <c>exit code: &lt;n&gt;</c>.</summary>
    /// <remarks>The output goes in as captured, trailing newline included, exactly as the SPEC's template reads.</remarks>
    internal static ToolResult Completed(int exitCode, string stdout, string stderr)
    {
        var context = (stdout.Length > 0 ? $"stdout:\n{stdout}\n" : "")
            + (stderr.Length > 0 ? $"stderr:\n{stderr}\n" : "")
            + $"exit code: {exitCode}";
        return ToolResult.Success(context, ResultJson(exitCode, stdout, stderr));
    }

    /// <summary>SPEC §7: output of a killed command is not reported, only the timeout.</summary>
    internal static ToolResult TimedOut(double timeout) =>
        ToolResult.Success(string.Create(CultureInfo.InvariantCulture, $"Command timed out after {timeout} seconds"), ResultJson(-1, "", ""));

    private static RawJson ResultJson(int exitCode, string stdout, string stderr)
    {
        var buffer = new ArrayBufferWriter<byte>(stdout.Length + stderr.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("exitCode"u8, exitCode);
            json.WriteString("stdout"u8, stdout);
            json.WriteString("stderr"u8, stderr);
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }
}
