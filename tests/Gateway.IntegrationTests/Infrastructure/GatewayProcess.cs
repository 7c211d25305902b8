using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>The gateway executable run as a child process, the way an operator runs it.</summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChangeSignal _lineAdded = new();

    /// <summary>The WORKSPACE_ROOT made for this process when the test gives none, removed on dispose.</summary>
    private DirectoryInfo? _workspace;

    private GatewayProcess(Process process) => _process = process;

    [GeneratedRegex(@"listening on http://(?<endpoint>\S+)")]
    private static partial Regex ListeningLine();

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "gateway");

    public int Id => _process.Id;

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    public static GatewayProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = ClientProcess.StartInfo(ExecutablePath, arguments);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var gateway = new GatewayProcess(new Process { StartInfo = start });
        if (!environment.ContainsKey("WORKSPACE_ROOT"))
        {
            // Not the test's working directory: as root, a sandboxed gateway gives its shared workspace to the sandbox's uid.
            gateway._workspace = Directory.CreateTempSubdirectory("gateway-workspace-");
            start.Environment["WORKSPACE_ROOT"] = gateway._workspace.FullName;
        }
        gateway._process.ErrorDataReceived += (_, e) => gateway.OnLine(e.Data);
        gateway._process.OutputDataReceived += (_, e) => gateway.OnLine(e.Data);
        gateway._process.Start();
        gateway._process.BeginErrorReadLine();
        gateway._process.BeginOutputReadLine();
        return gateway;
    }

    /// <summary>The gateway on a loopback port with OpenAI's API at <paramref name="upstream"/>, no local models, and <paramref name="more"/> variables.</summary>
    public static GatewayProcess StartWithOpenAi(Uri upstream, DirectoryInfo emptyModels, IReadOnlyDictionary<string, string> more) => Start(new Dictionary<string, string>(more)
    {
        ["HOST"] = "127.0.0.1",
        ["PORT"] = "0",
        ["OPENAI_API_KEY"] = "test",
        ["OPENAI_BASE_URL"] = upstream.ToString(),
        ["MODELS_DIR"] = emptyModels.FullName,
    });

    /// <summary>Where the process listens, once it has logged its start-up line.</summary>
    public Task<IPEndPoint> ListeningAsync() => _listening.Task.WaitAsync(RawConnection.ReadTimeout);

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>The first line of the log (from <paramref name="from"/> on) that <paramref name="match"/> accepts, waited for (bounded).</summary>
    public Task<string> LineAsync(Func<string, bool> match, int from = 0) =>
        _lineAdded.WaitForAsync(_log, () => _log.Skip(from).FirstOrDefault(match));

    public void SendSignal(string signal) => Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Add(line);
        }
        _lineAdded.Notify();
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(IPEndPoint.Parse(match.Groups["endpoint"].Value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _workspace?.Delete(recursive: true);
    }
}
