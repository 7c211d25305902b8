using System.Diagnostics;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Runs a stock HTTP client (python3, curl) as a child process, bounded by <see cref="RawConnection.ReadTimeout"/>.</summary>
internal static class ClientProcess
{
    /// <returns>The exit code, and standard output followed by standard error.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(fileName, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not exit within {RawConnection.ReadTimeout.TotalSeconds} s.");
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>A child process with these arguments whose standard output and error the test reads.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }
}
