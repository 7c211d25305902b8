using System.Globalization;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The counters of one label combination by HTTP status, the status being the family's last label.</summary>
/// <remarks>A slot per status code (100–599), each bound the first time that status is counted: an array read, no lookup.</remarks>
internal sealed class StatusCounters(RecordedFamily<Counter> family, string first, string second)
{
    private const int FirstStatus = 100;
    private const int LastStatus = 599;

    private readonly Counter?[] _byStatus = new Counter?[LastStatus - FirstStatus + 1];

    public void Increment(int status)
    {
        status = Math.Clamp(status, FirstStatus, LastStatus);
        // A race binds the same series twice: the family hands out one series per label combination.
        var counter = _byStatus[status - FirstStatus] ??= family.WithLabels(first, second, status.ToString(CultureInfo.InvariantCulture));
        counter.Increment();
    }
}
