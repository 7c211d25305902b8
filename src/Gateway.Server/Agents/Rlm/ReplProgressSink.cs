using System.Text;
using Gateway.Repl;
using Gateway.Server.Events;

namespace Gateway.Server.Agents.Rlm;

/// <summary>
/// One REPL turn's live output as <c>repl_progress</c> events (SPEC §8): coalesced per stream like <c>tool_progress</c>
/// (at most four events a second each), at most 64 KiB a turn, then one note and nothing more.
/// </summary>
/// <remarks>
/// Order holds within a stream; <see cref="FlushAsync"/> sends everything reported so far, so a host call's own
/// events (a child run's) come after the output that preceded them.
/// </remarks>
internal sealed class ReplProgressSink(AgentOrchestrator session, IRunIds run, string inputId)
{
    /// <summary>The most output a turn streams live; the whole of it still reaches repl_output (cut at 4,000 characters).</summary>
    public const int MaxBytes = 64 * 1024;

    private static ReadOnlySpan<byte> TruncatedNote => "[repl_progress truncated]\n"u8;

    private readonly Lock _gate = new();
    private ProgressCoalescer? _stdout;
    private ProgressCoalescer? _stderr;
    private int _bytes;
    private bool _capped;
    private bool _completed;

    /// <summary>Adds printed output (a line and its "\n"); safe from any thread.</summary>
    /// <remarks>Encoding replaces a lone surrogate with U+FFFD: a Utf8Text must be valid UTF-8 (design trap 18).</remarks>
    public void Report(string chunk, ReplStream stream) => Report(Encoding.UTF8.GetBytes(chunk), stream);

    /// <summary>Adds output as it arrives (exec's reads: a character may be cut between two, the coalescer joins it); safe from any thread.</summary>
    public void Report(ReadOnlySpan<byte> utf8, ReplStream stream)
    {
        lock (_gate)
        {
            if (_completed || _capped)
            {
                return;
            }
            _bytes += utf8.Length;
            if (_bytes > MaxBytes)
            {
                _capped = true;
                utf8 = TruncatedNote;
                stream = ReplStream.Stderr;
            }
            // Under the lock, so a flush cannot complete the coalescer between taking it and reporting to it.
            var coalescer = stream == ReplStream.Stdout ? _stdout ??= Coalescer("stdout") : _stderr ??= Coalescer("stderr");
            coalescer.Report(utf8);
        }
    }

    /// <summary>Sends what was reported; later reports start afresh.</summary>
    public async ValueTask FlushAsync()
    {
        ProgressCoalescer? stdout, stderr;
        lock (_gate)
        {
            (stdout, stderr, _stdout, _stderr) = (_stdout, _stderr, null, null);
        }
        await (stdout?.CompleteAsync() ?? ValueTask.CompletedTask).ConfigureAwait(false);
        await (stderr?.CompleteAsync() ?? ValueTask.CompletedTask).ConfigureAwait(false);
    }

    /// <summary>Sends what is left; the caller emits the turn's <c>repl_output</c> after this returns.</summary>
    public ValueTask CompleteAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }
        return FlushAsync();
    }

    private ProgressCoalescer Coalescer(string stream) =>
        new(text => session.EmitAsync(new ReplProgressEvent { RunId = run.RunId, Id = inputId, ParentId = run.ParentId, Chunk = text, Stream = stream, AgentId = run.AgentId }),
            session.Clock,
            ProgressCoalescer.DefaultInterval);
}
