using System.Text;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A metric name with its help, type and label names, and the series under it.</summary>
internal abstract class MetricFamily
{
    protected MetricFamily(string name, string help, MetricType type, string[] labelNames)
    {
        // Prometheus data model: names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
        if (!IsName(name, colonAllowed: true) || !labelNames.All(l => IsName(l, colonAllowed: false)))
        {
            throw new ArgumentException($"'{name}' or one of its labels ({string.Join(", ", labelNames)}) is not a valid Prometheus name.", nameof(name));
        }
        Name = Encoding.ASCII.GetBytes(name);
        Help = help;
        Type = type;
        LabelNames = [.. labelNames.Select(Encoding.ASCII.GetBytes)];
    }

    public byte[] Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public byte[][] LabelNames { get; }

    /// <summary>Writes every series' samples (not the HELP and TYPE lines).</summary>
    public abstract void WriteSamples(ExpositionWriter writer);

    private static bool IsName(string name, bool colonAllowed) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || (colonAllowed && c == ':'));
}
