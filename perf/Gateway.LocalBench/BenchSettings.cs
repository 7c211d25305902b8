using System.Globalization;

namespace Gateway.LocalBench;

/// <summary>Command line: <c>[--models-dir DIR] [--model ID]... [--tokens N] [--rounds R] [--threads T] [--turn2]</c>.</summary>
/// <remarks><c>--turn2</c> measures the KV cache kept across turns (<see cref="Turn2Bench"/>) instead of throughput.</remarks>
internal sealed record BenchSettings(string ModelsDirectory, IReadOnlyList<string> Models, int Tokens, int Rounds, int Threads, bool Turn2)
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
        var turn2 = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--models-dir": directory = Value(ref i); break;
                case "--model": models.Add(Value(ref i)); break;
                case "--tokens": tokens = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--turn2": turn2 = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        directory ??= SharedModels();
        return new BenchSettings(Path.GetFullPath(directory), models.Count > 0 ? models : ["stories260K", "successor-tiny"], tokens, rounds, threads, turn2);

        string Value(ref int i) => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
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
