using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>A fresh workspace directory (plus a sibling "outside" directory for escape tests), deleted on dispose.</summary>
public sealed class TempWorkspace : IDisposable
{
    /// <param name="sandbox">Runs the context's bash in it; the workspace is given to its uid, as an operator gives a shared one.</param>
    public TempWorkspace(BashSandbox? sandbox = null)
    {
        // The umask's mode, not CreateTempSubdirectory's 0700, which would keep a sandbox's unprivileged uid out.
        Base = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gateway-tools-{Guid.NewGuid():N}")).FullName;
        Root = Directory.CreateDirectory(Path.Combine(Base, "ws")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Base, "outside")).FullName;
        Context = new ToolContext(Root, sandbox);
        if (sandbox?.UserBase is { } user)
        {
            using var chown = Process.Start("chown", [user.ToString(CultureInfo.InvariantCulture), Root]);
            chown.WaitForExit();
        }
    }

    /// <summary>Holds <see cref="Root"/> and <see cref="Outside"/>.</summary>
    public string Base { get; }

    public string Root { get; }

    public string Outside { get; }

    public ToolContext Context { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // A process a failed test left behind may still hold a file; the temp directory is only litter.
        }
    }
}
