namespace Gateway.Generators;

public sealed partial class ToolRegistryGenerator
{
    private static partial class Emitter
    {
        // Helpers emitted as they are, once per registry, at the class's indentation; [GeneratedCode] is
        // replaced with the attribute. Messages are the exact texts the model sees (issue 4).

        private const string CommonHelpers = """

            [GeneratedCode]
            private static global::System.Threading.Tasks.ValueTask<global::Gateway.Tools.ToolResult> Fail(string error) =>
                new global::System.Threading.Tasks.ValueTask<global::Gateway.Tools.ToolResult>(global::Gateway.Tools.ToolResult.Failure(error));

            // RawJson always holds one valid JSON value, so the reader cannot throw; only default(RawJson) is empty.
            [GeneratedCode]
            private static bool TryStartObject(global::Gateway.Tools.RawJson arguments, out global::System.Text.Json.Utf8JsonReader reader)
            {
                reader = new global::System.Text.Json.Utf8JsonReader(arguments.Utf8.Span);
                return !arguments.Utf8.IsEmpty && reader.Read() && reader.TokenType == global::System.Text.Json.JsonTokenType.StartObject;
            }

            // Problems are sentences, joined in the order they were found.
            [GeneratedCode]
            private static void Report(ref string? problems, string problem) =>
                problems = problems is null ? problem : problems + " " + problem;

            [GeneratedCode]
            private static string UnknownParameter(ref global::System.Text.Json.Utf8JsonReader reader) =>
                "Unknown parameter '" + reader.GetString() + "'.";

            [GeneratedCode]
            private static string MustBe(string name, string expected) => "Parameter '" + name + "' must be " + expected + ".";
            """;

        private const string StringReader = """

            [GeneratedCode]
            private static bool TryReadString(ref global::System.Text.Json.Utf8JsonReader reader, string name, out string value, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
            {
                if (reader.TokenType != global::System.Text.Json.JsonTokenType.String)
                {
                    value = "";
                    error = MustBe(name, "a string");
                    return false;
                }
                value = reader.GetString()!;
                error = null;
                return true;
            }
            """;

        private const string BooleanReader = """

            [GeneratedCode]
            private static bool TryReadBoolean(ref global::System.Text.Json.Utf8JsonReader reader, string name, out bool value, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
            {
                if (reader.TokenType is not (global::System.Text.Json.JsonTokenType.True or global::System.Text.Json.JsonTokenType.False))
                {
                    value = false;
                    error = MustBe(name, "a boolean");
                    return false;
                }
                value = reader.GetBoolean();
                error = null;
                return true;
            }
            """;

        // -2^63 <= d < 2^63 is exactly the Int64 range for a whole double.
        private const string IntegerReader = """

            [GeneratedCode]
            private static bool TryReadInteger(ref global::System.Text.Json.Utf8JsonReader reader, string name, long minimum, long maximum, out long value, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
            {
                value = 0;
                if (reader.TokenType != global::System.Text.Json.JsonTokenType.Number)
                {
                    error = MustBe(name, "an integer");
                    return false;
                }
                if (!reader.TryGetInt64(out value))
                {
                    // Not an Int64 literal: a fraction, a whole number written as 5.0 or 5e2 (accepted: it is an integer), or one beyond Int64.
                    if (!reader.TryGetDouble(out var number) || number != global::System.Math.Floor(number))
                    {
                        error = MustBe(name, "an integer");
                        return false;
                    }
                    if (number < -9223372036854775808.0 || number >= 9223372036854775808.0)
                    {
                        error = number < 0 ? AtLeast(name, minimum) : AtMost(name, maximum);
                        return false;
                    }
                    value = (long)number;
                }
                error = value < minimum ? AtLeast(name, minimum) : value > maximum ? AtMost(name, maximum) : null;
                return error is null;
            }
            """;

        private const string NumberReader = """

            [GeneratedCode]
            private static bool TryReadNumber(ref global::System.Text.Json.Utf8JsonReader reader, string name, double minimum, double maximum, out double value, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
            {
                if (reader.TokenType != global::System.Text.Json.JsonTokenType.Number || !reader.TryGetDouble(out value))
                {
                    value = 0;
                    error = MustBe(name, "a number");
                    return false;
                }
                error = value < minimum ? AtLeast(name, minimum) : value > maximum ? AtMost(name, maximum) : null;
                return error is null;
            }
            """;

        private const string RangeHelpers = """

            [GeneratedCode]
            private static string AtLeast(string name, global::System.IFormattable bound) =>
                MustBe(name, "at least " + bound.ToString(null, global::System.Globalization.CultureInfo.InvariantCulture));

            [GeneratedCode]
            private static string AtMost(string name, global::System.IFormattable bound) =>
                MustBe(name, "at most " + bound.ToString(null, global::System.Globalization.CultureInfo.InvariantCulture));
            """;
    }
}
