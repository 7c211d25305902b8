using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>Writes the Prometheus text exposition format 0.0.4 into a buffer: HELP and TYPE lines, then one line per sample.</summary>
/// <remarks>
/// Format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format. Label values escape
/// backslash, double quote and line feed; HELP text escapes backslash and line feed; values are Go-parsable floats
/// (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c> spelled as the format wants).
/// </remarks>
internal sealed class ExpositionWriter(IBufferWriter<byte> output)
{
    /// <summary>Room for any formatted long or double (the longest "R" double is 24 characters).</summary>
    private const int NumberBytes = 32;

    public void Header(MetricFamily family)
    {
        Write("# HELP "u8);
        Write(family.Name);
        Write(" "u8);
        WriteEscaped(family.Help, escapeQuote: false);
        Write("\n# TYPE "u8);
        Write(family.Name);
        Write(family.Type switch
        {
            MetricType.Counter => " counter\n"u8,
            MetricType.Gauge => " gauge\n"u8,
            _ => " histogram\n"u8,
        });
    }

    public void Sample(byte[] name, byte[] labels, long value) => Sample(name, default, labels, value);

    public void Sample(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels, long value)
    {
        Start(name, suffix, labels);
        EndLabels(labels.Length > 0);
        var span = output.GetSpan(NumberBytes + 1);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    public void Sample(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels, double value)
    {
        Start(name, suffix, labels);
        EndLabels(labels.Length > 0);
        WriteDouble(value);
        Write("\n"u8);
    }

    /// <summary>A histogram's <c>_bucket</c> line: the series' labels plus <c>le</c>.</summary>
    public void Bucket(byte[] name, byte[] labels, ReadOnlySpan<byte> upperBound, long cumulativeCount)
    {
        Start(name, "_bucket"u8, labels);
        Write(labels.Length > 0 ? ",le=\""u8 : "{le=\""u8);
        Write(upperBound);
        Write("\"} "u8);
        var span = output.GetSpan(NumberBytes + 1);
        cumulativeCount.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    /// <summary>A sample whose labels are given as text at scrape time (series read by a callback).</summary>
    public void Sample(byte[] name, byte[][] labelNames, ReadOnlySpan<string> labelValues, double value)
    {
        Write(name);
        WriteLabels(labelNames, labelValues);
        Write(labelValues.Length > 0 ? "} "u8 : " "u8);
        WriteDouble(value);
        Write("\n"u8);
    }

    /// <summary>The label pairs <c>{a="x",b="y"</c> without the closing brace (a bucket appends <c>le</c>); nothing for no labels.</summary>
    public void WriteLabels(byte[][] labelNames, ReadOnlySpan<string> labelValues)
    {
        for (var i = 0; i < labelValues.Length; i++)
        {
            Write(i == 0 ? "{"u8 : ","u8);
            Write(labelNames[i]);
            Write("=\""u8);
            WriteEscaped(labelValues[i], escapeQuote: true);
            Write("\""u8);
        }
    }

    private void Start(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels)
    {
        Write(name);
        Write(suffix);
        Write(labels);
    }

    private void EndLabels(bool any) => Write(any ? "} "u8 : " "u8);

    private void WriteDouble(double value)
    {
        if (double.IsNaN(value))
        {
            Write("NaN"u8);
        }
        else if (double.IsInfinity(value))
        {
            Write(value > 0 ? "+Inf"u8 : "-Inf"u8);
        }
        else
        {
            var span = output.GetSpan(NumberBytes);
            value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    /// <summary>UTF-8 text with <c>\\</c>, <c>\n</c> and (in label values) <c>\"</c> escaped; UTF-8 never puts those bytes inside a multi-byte character.</summary>
    private void WriteEscaped(string text, bool escapeQuote)
    {
        // Twice the encoded length is room for every byte escaped; the escapes are made in place, from the end.
        var span = output.GetSpan(2 * Encoding.UTF8.GetMaxByteCount(text.Length));
        var encoded = Encoding.UTF8.GetBytes(text, span);
        var escapes = 0;
        foreach (var b in span[..encoded])
        {
            escapes += NeedsEscape(b, escapeQuote) ? 1 : 0;
        }
        var length = encoded + escapes;
        for (int from = encoded - 1, to = length; escapes > 0; from--)
        {
            var b = span[from];
            span[--to] = b == (byte)'\n' ? (byte)'n' : b;
            if (NeedsEscape(b, escapeQuote))
            {
                span[--to] = (byte)'\\';
                escapes--;
            }
        }
        output.Advance(length);
    }

    private static bool NeedsEscape(byte b, bool escapeQuote) => b is (byte)'\\' or (byte)'\n' || (escapeQuote && b == (byte)'"');

    private void Write(ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }
}
