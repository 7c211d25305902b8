using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Gateway.Generators.Tests.Snapshots;

/// <summary>Compares generated source with a checked-in <c>name.verified.cs</c> next to the calling test.</summary>
/// <remarks>
/// On a mismatch (or a missing file) the actual text is written to <c>name.received.cs</c> and the test
/// fails; review it and rename it to accept. The generator version is scrubbed so a version bump does
/// not break every snapshot.
/// </remarks>
internal static partial class Snapshot
{
    public static void Verify(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.GetDirectoryName(callerPath)!;
        var verifiedPath = Path.Combine(directory, name + ".verified.cs");
        var receivedPath = Path.Combine(directory, name + ".received.cs");
        var received = Scrub(actual);

        if (File.Exists(verifiedPath) && Scrub(File.ReadAllText(verifiedPath)) == received)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"Generated source differs from {verifiedPath}; the actual text is in {receivedPath}.");
    }

    private static string Scrub(string source) =>
        GeneratedCodeVersion().Replace(source.Replace("\r\n", "\n", StringComparison.Ordinal), "$1{version}$2");

    [GeneratedRegex("""(GeneratedCode\("Gateway\.Generators", ")[^"]*("\))""")]
    private static partial Regex GeneratedCodeVersion();
}
