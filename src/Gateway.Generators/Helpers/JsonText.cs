using System.Globalization;
using System.Text;

namespace Gateway.Generators.Helpers;

/// <summary>Writes JSON tokens as text, for JSON the generators precompute (netstandard2.0 has no System.Text.Json here).</summary>
internal static class JsonText
{
    /// <summary>A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>
    /// A finite number in its shortest round-trip form (<c>2000</c>, <c>0.5</c>, <c>1E+21</c>), which is
    /// valid both as a JSON number and as a C# literal.
    /// </summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
