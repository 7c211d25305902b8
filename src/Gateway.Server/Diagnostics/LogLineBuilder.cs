using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Diagnostics;

/// <summary>
/// Formats one log line as text (<c>timestamp level message key=value…</c>) or as one JSON object, into a buffer each
/// thread reuses: a line allocates nothing once the thread has formatted one as long.
/// </summary>
internal sealed class LogLineBuilder
{
    [ThreadStatic]
    private static LogLineBuilder? t_builder;

    /// <summary>Bytes that make a text value quoted: space, quote, equals sign, backslash and controls (logfmt's rule).</summary>
    private static readonly SearchValues<byte> s_quoted = SearchValues.Create([.. Enumerable.Range(0, 0x21).Select(b => (byte)b), (byte)'"', (byte)'=', (byte)'\\', 0x7F]);

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;
    private byte[] _scratch = new byte[256];
    private LogFormat _format;

    private LogLineBuilder() =>
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JsonStringEncoder.Instance, SkipValidation = true });

    /// <summary>The calling thread's builder, started on a new line.</summary>
    public static LogLineBuilder Start(LogFormat format, LogLevel level, ReadOnlySpan<char> message)
    {
        var builder = t_builder ??= new LogLineBuilder();
        builder.Begin(format, level, message);
        return builder;
    }

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<char> value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, 2 * _scratch.Length)];
        }
        AddUtf8(key, _scratch.AsSpan(0, Encoding.UTF8.GetBytes(value, _scratch)));
    }

    public void AddUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_format == LogFormat.Json)
        {
            _json.WriteString(key, value);
            return;
        }
        WriteKey(key);
        if (!value.IsEmpty && !value.ContainsAny(s_quoted))
        {
            _buffer.Write(value);
            return;
        }
        _buffer.Write("\""u8);
        var span = _buffer.GetSpan(value.Length * JsonStringEncoder.Instance.MaxOutputCharactersPerInputCharacter);
        JsonStringEncoder.Instance.EncodeUtf8(value, span, out _, out var written);
        _buffer.Advance(written);
        _buffer.Write("\""u8);
    }

    public void Add(ReadOnlySpan<byte> key, long value)
    {
        if (_format == LogFormat.Json)
        {
            _json.WriteNumber(key, value);
            return;
        }
        WriteKey(key);
        Utf8Formatter.TryFormat(value, _buffer.GetSpan(20), out var written);
        _buffer.Advance(written);
    }

    public void Add(ReadOnlySpan<byte> key, TimeSpan value)
    {
        var milliseconds = Math.Round(value.TotalMilliseconds, 3);
        if (_format == LogFormat.Json)
        {
            _json.WriteNumber(key, milliseconds);
            return;
        }
        WriteKey(key);
        milliseconds.TryFormat(_buffer.GetSpan(32), out var written, "0.###", CultureInfo.InvariantCulture);
        _buffer.Advance(written);
    }

    /// <summary>Ends the line (with the exception, if any) and returns it, line feed included; valid until the thread's next line.</summary>
    public ReadOnlySpan<byte> End(Exception? exception)
    {
        if (_format == LogFormat.Json)
        {
            if (exception is not null)
            {
                _json.WriteString("exception"u8, exception.ToString());
            }
            _json.WriteEndObject();
            _json.Flush();
        }
        else if (exception is not null)
        {
            // Text keeps the stack trace readable: on the lines after the message, as before.
            _buffer.Write("\n"u8);
            var text = exception.ToString();
            _buffer.Advance(Encoding.UTF8.GetBytes(text, _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
        }
        _buffer.Write("\n"u8);
        return _buffer.WrittenSpan;
    }

    private void Begin(LogFormat format, LogLevel level, ReadOnlySpan<char> message)
    {
        _format = format;
        _buffer.ResetWrittenCount();
        Span<byte> time = stackalloc byte[32];
        DateTime.UtcNow.TryFormat(time, out var timeLength, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        if (format == LogFormat.Json)
        {
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("time"u8, time[..timeLength]);
            _json.WriteString("level"u8, Name(level));
            _json.WriteString("msg"u8, message);
            return;
        }
        _buffer.Write(time[..timeLength]);
        _buffer.Write(" "u8);
        _buffer.Write(Label(level));
        _buffer.Write(" "u8);
        _buffer.Advance(Encoding.UTF8.GetBytes(message, _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(message.Length))));
    }

    private void WriteKey(ReadOnlySpan<byte> key)
    {
        _buffer.Write(" "u8);
        _buffer.Write(key);
        _buffer.Write("="u8);
    }

    private static ReadOnlySpan<byte> Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug"u8,
        LogLevel.Info => "info"u8,
        LogLevel.Warning => "warning"u8,
        _ => "error"u8,
    };

    /// <summary>Padded to one width, so text lines' messages line up.</summary>
    private static ReadOnlySpan<byte> Label(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug"u8,
        LogLevel.Info => "info "u8,
        LogLevel.Warning => "warn "u8,
        _ => "error"u8,
    };
}
