using System.Buffers.Binary;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// One span of an OTLP ExportTraceServiceRequest, decoded with a small protobuf wire reader (field numbers from
/// opentelemetry-proto's trace.proto and common.proto). Resource attributes are copied onto each span.
/// </summary>
internal sealed record OtlpSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int StatusCode,
    IReadOnlyDictionary<string, object> Attributes, IReadOnlyDictionary<string, object> Resource)
{
    public const int KindInternal = 1;
    public const int KindServer = 2;
    public const int KindClient = 3;
    public const int StatusError = 2;

    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    public static List<OtlpSpan> Decode(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }
            var resource = new Dictionary<string, object>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    ReadAttributes(value, 1, resource);
                }
            }
            foreach (var (f, scopeSpans) in Fields(resourceSpans))
            {
                if (f != 2)
                {
                    continue;
                }
                foreach (var (g, span) in Fields(scopeSpans))
                {
                    if (g == 2)
                    {
                        spans.Add(DecodeSpan(span, resource));
                    }
                }
            }
        }
        return spans;
    }

    private static OtlpSpan DecodeSpan(byte[] span, Dictionary<string, object> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, object>();
        foreach (var (field, value) in Fields(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 6: kind = (int)Varint(value); break;
                case 9: ReadAttribute(value, attributes); break;
                case 15:
                    foreach (var (f, code) in Fields(value))
                    {
                        status = f == 3 ? (int)Varint(code) : status;
                    }
                    break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, status, attributes, resource);
    }

    private static void ReadAttributes(byte[] message, int field, Dictionary<string, object> into)
    {
        foreach (var (f, keyValue) in Fields(message))
        {
            if (f == field)
            {
                ReadAttribute(keyValue, into);
            }
        }
    }

    /// <summary>KeyValue: key = 1, value = 2 (AnyValue).</summary>
    private static void ReadAttribute(byte[] keyValue, Dictionary<string, object> into)
    {
        string key = "";
        object value = "";
        foreach (var (field, bytes) in Fields(keyValue))
        {
            if (field == 1)
            {
                key = Encoding.UTF8.GetString(bytes);
            }
            else if (field == 2)
            {
                value = AnyValue(bytes);
            }
        }
        into[key] = value;
    }

    /// <summary>AnyValue: string = 1, bool = 2, int = 3, double = 4, array = 5 (ArrayValue: values = 1).</summary>
    private static object AnyValue(byte[] any)
    {
        foreach (var (field, bytes) in Fields(any))
        {
            switch (field)
            {
                case 1: return Encoding.UTF8.GetString(bytes);
                case 2: return Varint(bytes) != 0;
                case 3: return (long)Varint(bytes);
                case 4: return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes));
                case 5: return Fields(bytes).Where(f => f.Field == 1).Select(f => AnyValue(f.Value)).ToArray();
            }
        }
        return "";
    }

    /// <summary>A message's fields in order: varints re-encoded as their bytes, fixed64 as 8 bytes, length-delimited as their content.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        for (var i = 0; i < message.Length;)
        {
            var tag = ReadVarint(message, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    var start = i;
                    ReadVarint(message, ref i);
                    fields.Add((field, message[start..i]));
                    break;
                case 1:
                    fields.Add((field, message[i..(i + 8)]));
                    i += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref i);
                    fields.Add((field, message[i..(i + length)]));
                    i += length;
                    break;
                case 5:
                    fields.Add((field, message[i..(i + 4)]));
                    i += 4;
                    break;
                default:
                    throw new FormatException($"Unexpected protobuf wire type {tag & 7}.");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] bytes)
    {
        var i = 0;
        return ReadVarint(bytes, ref i);
    }

    private static ulong ReadVarint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
