using System.Buffers;
using System.Text;

namespace Gateway.Tools.BuiltIn;

/// <summary>Reads one output pipe of a <c>bash</c> command to its end, keeping only the first <c>cap</c> bytes and reporting them as they arrive.</summary>
/// <remarks>
/// The reader keeps draining (and counting) past the cap instead of stopping, so a chatty command never
/// blocks on a full pipe and memory stays bounded by the cap (issue 4). <see cref="ToText"/> may run while a
/// reader that could not be cancelled is still appending, hence the lock.
/// </remarks>
internal sealed class BashOutputCapture(ToolOutputStream stream, int cap, IToolProgress progress)
{
    private const int ReadSize = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly MemoryStream _kept = new();
    private long _total;

    /// <summary>Copies <paramref name="pipe"/> until EOF, cancellation or a closed pipe; never throws.</summary>
    public async Task ReadAsync(Stream pipe, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            int read;
            while ((read = await pipe.ReadAsync(buffer.AsMemory(0, ReadSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                // Live output shows what the result will hold, so a flood stays within the cap on the wire too.
                progress.Report(Append(buffer.AsSpan(0, read)), stream);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The command was killed or given up on: what was captured so far is the output.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The captured text; past the cap, followed by a note saying how much was left out.</summary>
    public string ToText()
    {
        byte[] kept;
        long total;
        lock (_gate)
        {
            kept = _kept.ToArray();
            total = _total;
        }
        // flush: false drops a multi-byte character cut by the cap instead of emitting U+FFFD for it.
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(kept.Length)];
        var text = new string(chars, 0, decoder.GetChars(kept, 0, kept.Length, chars, 0, flush: total <= cap));
        if (total <= cap)
        {
            return text;
        }
        var separator = text.EndsWith('\n') ? "" : "\n";
        return $"{text}{separator}[{(stream == ToolOutputStream.Stdout ? "stdout" : "stderr")} truncated: showing the first {cap} of {total} bytes]";
    }

    /// <summary>Keeps what fits under the cap and returns it.</summary>
    private ReadOnlySpan<byte> Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var room = (int)Math.Max(0, cap - _kept.Length);
            var kept = data[..Math.Min(room, data.Length)];
            _kept.Write(kept);
            _total += data.Length;
            return kept;
        }
    }
}
