using System.Text;
using Gateway.Server.Diagnostics;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>The process-wide llama.cpp library: which CPU build to load, and where its log lines go.</summary>
/// <remarks>
/// LLamaSharp resolves its native library on the first P/Invoke and cannot be reconfigured afterwards
/// (<c>NativeLibraryConfig</c> throws once loaded), so <see cref="EnsureConfigured"/> must run before anything
/// touches LLamaSharp's native API; <see cref="LocalModel.Load"/> calls it first. The natives ship beside the
/// executable in <c>runtimes/linux-x64/native/&lt;level&gt;/</c> (Gateway.Server.csproj copies them).
/// </remarks>
internal static class LlamaNativeLibrary
{
    private static readonly Lock s_gate = new();
    private static bool s_configured;
    private static GatewayLog s_log = GatewayLog.Silent;

    [ThreadStatic]
    private static StringBuilder? t_line;

    /// <summary>The CPU level requested; llama.cpp falls back to lower builds if that one fails to load.</summary>
    public static AvxLevel RequestedLevel { get; private set; }

    /// <summary>Picks the CPU build and routes llama.cpp's logging to <paramref name="log"/>; only the first call has an effect.</summary>
    /// <remarks>llama.cpp's log callback is global, so its lines go to the log of the first local provider (one per process outside tests).</remarks>
    public static void EnsureConfigured(GatewayLog log)
    {
        lock (s_gate)
        {
            if (s_configured)
            {
                return;
            }
            s_configured = true;
            s_log = log;
            RequestedLevel = CpuAvxLevel.Detect();
            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                // Something called into LLamaSharp first (a bug here, or a test); it picked the library itself.
                log.Warning("llama.cpp was loaded before the gateway could choose its CPU build; keeping the one loaded.");
                return;
            }
            NativeLibraryConfig.All
                .WithCuda(false) // Only the CPU backend ships; skip probing for GPU builds.
                .WithVulkan(false)
                .WithAvx(RequestedLevel)
                .WithAutoFallback(true)
                .WithSearchDirectory(AppContext.BaseDirectory)
                .WithLogCallback(OnNativeLog);
        }
    }

    /// <summary>The build that actually loaded, e.g. "avx512"; known once a model has loaded.</summary>
    public static string LoadedLevel() =>
        NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata is { } metadata
            ? CpuAvxLevel.DirectoryName(metadata.AvxLevel)
            : "unknown";

    /// <summary>
    /// llama.cpp hands over log text in pieces (a line may arrive as several calls, possibly on its worker
    /// threads); whole lines are forwarded. Its errors are warnings here, since every failure that matters
    /// also surfaces as an exception or a failed decode; everything else is debug detail (load progress,
    /// tensor layout).
    /// </summary>
    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        var line = t_line ??= new StringBuilder();
        line.Append(message);
        if (!message.EndsWith('\n'))
        {
            return;
        }
        var text = line.ToString(0, line.Length - 1);
        line.Clear();
        if (level == LLamaLogLevel.Error)
        {
            s_log.Warning("llama.cpp: " + text);
        }
        else if (s_log.IsEnabled(LogLevel.Debug))
        {
            s_log.Debug("llama.cpp: " + text);
        }
    }
}
