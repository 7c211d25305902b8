using System.Globalization;

namespace Gateway.LocalBench;

/// <summary>Command line: <c>[--models-dir DIR] [--model ID]... [--tokens N] [--rounds R] [--threads T]</c>.</summary>
internal sealed record BenchSettings(string ModelsDirectory, IReadOnlyList<string> Models, int Tokens, int Rounds, int Threads)
{
    public static readonly int[] Concurrency = [1, 2, 4, 8];

    /// <summary>One prompt per session, so concurrent sessions are different conversations.</summary>
    public static readonly string[] Prompts =
    [
        "Once upon a time", "The little dog", "Tom and Sue went", "One day, a bird",
        "There was a big tree", "Lily had a red ball", "The sun was hot", "A boy named Ben",
    ];

    public static BenchSettings Parse(string[] args)
    {
        string? directory = null;
        var models = new List<string>();
        var tokens = 256;
        var rounds = 3;
        var threads = Environment.ProcessorCount;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--models-dir": directory = value; break;
                case "--model": models.Add(value); break;
                case "--tokens": tokens = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        directory ??= SharedModels();
        return new BenchSettings(Path.GetFullPath(directory), models.Count > 0 ? models : ["stories260K", "successor-tiny"], tokens, rounds, threads);
    }

    /// <summary>../shared/models beside the repository (the directory holding Gateway.slnx).</summary>
    private static string SharedModels()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.slnx")))
            {
                return Path.Combine(directory.FullName, "..", "shared", "models");
            }
        }
        throw new InvalidOperationException("No Gateway.slnx above the benchmark; pass --models-dir.");
    }
}
