using System.Text;
using Gateway.Server.Agents;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Server.Tests.Agents;

/// <summary>tool_progress coalescing (SPEC §5): at most one event per interval per call, whole characters, nothing after completion.</summary>
public sealed class ProgressCoalescerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _clock = new();
    private readonly List<string> _events = [];

    private ProgressCoalescer Create() => new(text => { _events.Add(text); return ValueTask.CompletedTask; }, _clock, Interval);

    [Fact]
    public async Task First_output_leaves_at_once_and_later_output_waits_for_the_interval()
    {
        var coalescer = Create();
        coalescer.Report("a\n"u8);
        Assert.Equal(["a\n"], _events);

        coalescer.Report("b\n"u8);
        coalescer.Report("c\n"u8);
        _clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a\n"], _events);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a\n", "b\nc\n"], _events);
        await coalescer.CompleteAsync();
        Assert.Equal(["a\n", "b\nc\n"], _events);
    }

    [Fact]
    public void Output_after_a_quiet_period_leaves_at_once()
    {
        var coalescer = Create();
        coalescer.Report("a"u8);
        _clock.Advance(TimeSpan.FromSeconds(2));
        coalescer.Report("b"u8);
        Assert.Equal(["a", "b"], _events);
    }

    [Fact]
    public void A_flood_gives_one_event_per_interval()
    {
        var coalescer = Create();
        for (var i = 0; i < 1000; i++)
        {
            coalescer.Report("x"u8);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        // Output over 1 s: the first byte at once, then one event at each 250 ms mark.
        Assert.Equal(5, _events.Count);
        Assert.Equal(1000, _events.Sum(e => e.Length));
    }

    [Fact]
    public async Task Complete_flushes_what_waits_and_later_reports_are_dropped()
    {
        var coalescer = Create();
        coalescer.Report("a"u8);
        coalescer.Report("b"u8);
        await coalescer.CompleteAsync();
        Assert.Equal(["a", "b"], _events);

        coalescer.Report("c"u8);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["a", "b"], _events);
    }

    [Fact]
    public async Task A_character_split_across_reads_arrives_whole()
    {
        var coalescer = Create();
        var euro = Encoding.UTF8.GetBytes("€"); // three bytes
        coalescer.Report([(byte)'a', euro[0]]);
        _clock.Advance(Interval);
        coalescer.Report(euro.AsSpan(1));
        _clock.Advance(Interval);
        await coalescer.CompleteAsync();
        Assert.Equal(["a", "€"], _events);
    }

    [Fact]
    public async Task An_unfinished_character_at_the_end_becomes_a_replacement_character()
    {
        var coalescer = Create();
        coalescer.Report("a"u8);
        coalescer.Report([0xE2, 0x82]);
        await coalescer.CompleteAsync();
        Assert.Equal(["a", "\uFFFD"], _events);
    }

    [Fact]
    public async Task Complete_waits_for_an_emission_in_flight()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new ProgressCoalescer(text => new ValueTask(release.Task), _clock, Interval);
        coalescer.Report("a"u8);
        var completing = coalescer.CompleteAsync().AsTask();
        Assert.False(completing.IsCompleted);
        release.SetResult();
        await completing.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
