namespace Gateway.Server.Providers.Local;

/// <summary>The models a directory holds: every <c>*.gguf</c> file, named by its file name without the extension.</summary>
internal static class LocalModelDirectory
{
    public const string Extension = ".gguf";

    /// <summary>The model ids in ordinal order (the first is the default model when nothing else is configured).</summary>
    /// <returns>Empty when the directory does not exist or cannot be read.</returns>
    public static IReadOnlyList<string> List(string directory)
    {
        try
        {
            var ids = Directory.EnumerateFiles(directory, "*" + Extension)
                .Select(path => Path.GetFileNameWithoutExtension(path))
                .Where(id => id.Length > 0)
                .ToList();
            ids.Sort(StringComparer.Ordinal);
            return ids;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The file of <paramref name="id"/> when it is one of the listed models (an id never names a path elsewhere).</summary>
    public static string? Find(string directory, string id) =>
        List(directory).Contains(id, StringComparer.Ordinal) ? Path.Combine(directory, id + Extension) : null;
}
