using System.Buffers;
using System.Diagnostics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Diagnostics;

/// <summary>The W3C Trace Context <c>traceparent</c> header (W3C Trace Context §3.2): read from a client, written to an upstream.</summary>
internal static class TraceParent
{
    /// <summary><c>00-</c>, 32 hex digits, <c>-</c>, 16, <c>-</c>, 2.</summary>
    public const int Length = 55;

    private static readonly SearchValues<byte> s_lowerHex = SearchValues.Create("0123456789abcdef"u8);

    /// <summary>The parent a client's header names; false (and a default context) when it is malformed, which §3.2 says to ignore.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, string? traceState, out ActivityContext context)
    {
        context = default;
        // §3.2.4: a version after 00 may append fields after a dash; version ff is invalid.
        if (value.Length < Length || (value.Length > Length && value[Length] != '-')
            || value[2] != '-' || value[35] != '-' || value[52] != '-'
            || value[..2].SequenceEqual("ff"u8) || (value[..2].SequenceEqual("00"u8) && value.Length != Length))
        {
            return false;
        }
        var traceId = value.Slice(3, 32);
        var spanId = value.Slice(36, 16);
        var flags = value.Slice(53, 2);
        if (value[..2].ContainsAnyExcept(s_lowerHex) || traceId.ContainsAnyExcept(s_lowerHex) || spanId.ContainsAnyExcept(s_lowerHex)
            || flags.ContainsAnyExcept(s_lowerHex) || !traceId.ContainsAnyExcept((byte)'0') || !spanId.ContainsAnyExcept((byte)'0'))
        {
            return false;
        }
        // §3.2.2.5: only the sampled bit is defined.
        var sampled = (HexDigits.ValueOf(flags[1]) & 1) != 0;
        context = new ActivityContext(
            ActivityTraceId.CreateFromUtf8String(traceId), ActivitySpanId.CreateFromUtf8String(spanId),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, traceState, isRemote: true);
        return true;
    }

    /// <summary>What an outgoing request carries (§3.2, §3.3): the current span's traceparent and tracestate; none without a span.</summary>
    public static (string? TraceParent, string? TraceState) ForOutgoingRequest() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? (activity.Id, activity.TraceStateString) : (null, null);
}
