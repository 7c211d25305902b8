using System.Text;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>A fresh workspace directory (plus a sibling "outside" directory for escape tests), deleted on dispose.</summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Base = Directory.CreateTempSubdirectory("gateway-tools-").FullName;
        Root = Directory.CreateDirectory(Path.Combine(Base, "ws")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Base, "outside")).FullName;
        Context = new ToolContext(Root);
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
