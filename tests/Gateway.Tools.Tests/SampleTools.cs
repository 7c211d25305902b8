using System.Globalization;
using System.Text.Json;

namespace Gateway.Tools.Tests;

/// <summary>Tools the registry generator runs on in this project; <see cref="GeneratedToolRegistryTests"/> calls them through <c>GeneratedToolRegistry</c>.</summary>
internal static class SampleTools
{
    /// <summary>Every parameter kind, required, optional by default value and optional by nullability, with bounds; the context and token injected.</summary>
    [Tool("echo", "Echoes every argument back.")]
    public static ValueTask<ToolResult> EchoAsync(
        ToolContext context,
        [ToolParameter("The command to echo.")] string command,
        [ToolParameter("An optional count.")] int? count,
        [ToolParameter("Seconds before giving up.", Minimum = 1, Maximum = 600)] int timeout = 5,
        [ToolParameter("A 0-based line.", Minimum = 0)] long offset = 0,
        [ToolParameter("A ratio.", Minimum = 0, Maximum = 1)] double ratio = 0.5,
        [ToolParameter("Whether to say more.")] bool verbose = false,
        [ToolParameter("An optional note.")] string? note = "none",
        CancellationToken cancellationToken = default) =>
        new(ToolResult.Success(string.Join(
            "|",
            context.WorkspaceRoot,
            command,
            count?.ToString(CultureInfo.InvariantCulture) ?? "null",
            timeout.ToString(CultureInfo.InvariantCulture),
            offset.ToString(CultureInfo.InvariantCulture),
            ratio.ToString(CultureInfo.InvariantCulture),
            verbose ? "true" : "false",
            note ?? "null",
            cancellationToken.CanBeCanceled ? "token" : "no token")));

    /// <summary>Shaped like the built-in <c>read</c>: a Task, a lower bound on an optional integer, and both permission hooks.</summary>
    [Tool("read_lines", "Reads lines of a file.", PermissionView = nameof(ReadLinesView), AlwaysRule = nameof(ReadLinesAlwaysRule))]
    public static Task<ToolResult> ReadLinesAsync(
        [ToolParameter("The file to read.")] string filePath,
        [ToolParameter("The 0-based line to start at.", Minimum = 0)] int offset = 0,
        [ToolParameter("The most lines to return.", Minimum = 1)] int limit = 2000) =>
        Task.FromResult(ToolResult.Success(string.Create(CultureInfo.InvariantCulture, $"{filePath}:{offset}+{limit}")));

    /// <summary>Shows what it was given, so a test can tell the descriptor calls this method with the call's arguments and context.</summary>
    public static RawJson ReadLinesView(JsonElement arguments, ToolContext context) =>
        RawJson.Parse($$"""{"root":"{{context.WorkspaceRoot}}","arguments":{{arguments.GetRawText()}}}""");

    public static IReadOnlyList<KeyValuePair<string, string>>? ReadLinesAlwaysRule(JsonElement arguments, ToolContext context) =>
        [new("filePath", context.WorkspaceRoot + "/" + arguments.GetProperty("filePath").GetString())];

    [Tool("ping", "Answers pong.")]
    public static ToolResult Ping() => ToolResult.Success("pong");

    [Tool("explode", "Always throws.")]
    public static ToolResult Explode() => throw new InvalidOperationException("boom");

    [Tool("explode_async", "Always throws after yielding.")]
    public static async Task<ToolResult> ExplodeAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("late boom");
    }

    [Tool("wait", "Waits until the call is cancelled.")]
    public static async ValueTask<ToolResult> WaitAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return ToolResult.Success("never");
    }

    [Tool("check", "Throws when the call is already cancelled.")]
    public static ToolResult Check(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ToolResult.Success("ok");
    }

    /// <summary>Cancelled by its own timeout, not by the caller: that is a failure, not a cancellation.</summary>
    [Tool("time_out", "Gives up on its own.")]
    public static async ValueTask<ToolResult> TimeOutAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await timeout.CancelAsync();
        await Task.Delay(Timeout.Infinite, timeout.Token);
        return ToolResult.Success("never");
    }
}
