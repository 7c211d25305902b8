using System;
using System.Globalization;
using System.Linq;
using Gateway.Generators.Helpers;
using Gateway.Generators.Model.Tools;

namespace Gateway.Generators;

public sealed partial class ToolRegistryGenerator
{
    private static partial class Emitter
    {
        // Two's-complement limits as doubles: a whole double is in the Int64 range when -2^63 <= d < 2^63.
        private const double Int64RangeEnd = 9223372036854775808.0;

        /// <summary>
        /// Binds the JSON arguments to typed locals in one forward pass with a <c>Utf8JsonReader</c>, then calls
        /// <c>Run_</c>. Locals are prefixed (<c>arg_</c>, <c>has_</c>) so no parameter name can shadow them. Every
        /// problem is reported in one error, so the model's next call can mend them all (issue 11).
        /// </summary>
        private static void WriteInvoke(SourceWriter writer, ToolSpec tool)
        {
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"private static {ResultTask} Invoke_{tool.Name}({RawJson} arguments, {ToolContext} context, {ToolProgress} progress, {CancellationToken} cancellationToken)");
            writer.OpenBlock();
            foreach (var parameter in tool.Parameters)
            {
                writer.WriteLine($"{LocalType(parameter)} arg_{parameter.Name} = {LocalInitializer(parameter)};");
                writer.WriteLine($"var has_{parameter.Name} = false;");
            }
            writer.WriteLine("if (!TryStartObject(arguments, out var reader))");
            writer.OpenBlock();
            writer.WriteLine("return Fail(\"Arguments must be a JSON object.\");");
            writer.CloseBlock();
            writer.WriteLine("string? problems = null;");
            if (!tool.Parameters.IsEmpty)
            {
                writer.WriteLine("string? error;");
            }
            writer.WriteLine($"while (reader.Read() && reader.TokenType == {JsonTokenType}.PropertyName)");
            writer.OpenBlock();
            for (var i = 0; i < tool.Parameters.Count; i++)
            {
                writer.WriteLine($"{(i == 0 ? "" : "else ")}if (reader.ValueTextEquals({Literal(tool.Parameters[i].Name)}u8))");
                writer.OpenBlock();
                WriteReadParameter(writer, tool.Parameters[i]);
                writer.CloseBlock();
            }
            if (!tool.Parameters.IsEmpty)
            {
                writer.WriteLine("else");
                writer.OpenBlock();
            }
            writer.WriteLine("Report(ref problems, UnknownParameter(ref reader));");
            writer.WriteLine("reader.Skip();");
            if (!tool.Parameters.IsEmpty)
            {
                writer.CloseBlock();
            }
            writer.CloseBlock();

            foreach (var parameter in tool.Parameters.Where(static p => p.IsRequired))
            {
                writer.WriteLine($"if (!has_{parameter.Name})");
                writer.OpenBlock();
                writer.WriteLine($"Report(ref problems, {Literal($"Missing required parameter '{parameter.Name}'.")});");
                writer.CloseBlock();
            }
            writer.WriteLine("if (problems is not null)");
            writer.OpenBlock();
            writer.WriteLine("return Fail(problems);");
            writer.CloseBlock();
            var arguments = tool.Parameters.Select(static p => $"arg_{p.Name}{(NeedsNullForgiving(p) ? "!" : "")}");
            writer.WriteLine($"return Run_{tool.Name}({string.Join(", ", arguments.Concat(["context", "progress", "cancellationToken"]))});");
            writer.CloseBlock();
        }

        /// <summary>Reads one known parameter's value; a problem with it is reported and its value skipped, and binding goes on.</summary>
        private static void WriteReadParameter(SourceWriter writer, ToolParameterSpec parameter)
        {
            writer.WriteLine($"if (has_{parameter.Name})");
            writer.OpenBlock();
            writer.WriteLine($"Report(ref problems, {Literal($"Duplicate parameter '{parameter.Name}'.")});");
            writer.WriteLine("reader.Skip();");
            writer.WriteLine("continue;");
            writer.CloseBlock();
            writer.WriteLine($"has_{parameter.Name} = true;");
            writer.WriteLine("reader.Read();");
            if (!parameter.IsRequired)
            {
                // JSON null for an optional parameter means "use the default".
                writer.WriteLine($"if (reader.TokenType == {JsonTokenType}.Null)");
                writer.OpenBlock();
                writer.WriteLine("continue;");
                writer.CloseBlock();
            }
            var name = Literal(parameter.Name);
            var read = parameter.Kind switch
            {
                ToolParameterKind.String => $"TryReadString(ref reader, {name}, out var value, out error)",
                ToolParameterKind.Boolean => $"TryReadBoolean(ref reader, {name}, out var value, out error)",
                ToolParameterKind.Double => $"TryReadNumber(ref reader, {name}, {DoubleBound(parameter.Minimum, "NegativeInfinity")}, {DoubleBound(parameter.Maximum, "PositiveInfinity")}, out var value, out error)",
                _ => $"TryReadInteger(ref reader, {name}, {IntegerMinimum(parameter)}L, {IntegerMaximum(parameter)}L, out var value, out error)",
            };
            writer.WriteLine($"if (!{read})");
            writer.OpenBlock();
            writer.WriteLine("Report(ref problems, error);");
            writer.WriteLine("reader.Skip();");
            writer.WriteLine("continue;");
            writer.CloseBlock();
            writer.WriteLine($"arg_{parameter.Name} = {(parameter.Kind == ToolParameterKind.Int32 ? "(int)value" : "value")};");
        }

        /// <summary>Calls the tool and turns any exception but cancellation into a failed result (SPEC §6: the loop goes on).</summary>
        private static void WriteRun(SourceWriter writer, ToolSpec tool)
        {
            var isAsync = tool.ReturnKind != ToolReturnKind.Synchronous;
            var parameters = tool.Parameters.Select(static p => $"{ParameterType(p)} arg_{p.Name}")
                .Concat([$"{ToolContext} context", $"{ToolProgress} progress", $"{CancellationToken} cancellationToken"]);
            var arguments = (tool.TakesContext ? ["context"] : Array.Empty<string>())
                .Concat(tool.TakesProgress ? ["progress"] : Array.Empty<string>())
                .Concat(tool.Parameters.Select(static p => $"arg_{p.Name}"))
                .Concat(tool.TakesCancellationToken ? ["cancellationToken"] : Array.Empty<string>());
            var call = $"{tool.ContainingType}.{tool.MethodName}({string.Join(", ", arguments)})";

            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"private static {(isAsync ? "async " : "")}{ResultTask} Run_{tool.Name}({string.Join(", ", parameters)})");
            writer.OpenBlock();
            writer.WriteLine("try");
            writer.OpenBlock();
            writer.WriteLine(isAsync ? $"return await {call}.ConfigureAwait(false);" : $"return new {ResultTask}({call});");
            writer.CloseBlock();
            writer.WriteLine("catch (global::System.OperationCanceledException) when (cancellationToken.IsCancellationRequested)");
            writer.OpenBlock();
            writer.WriteLine(isAsync ? "throw;" : $"return global::System.Threading.Tasks.ValueTask.FromCanceled<{ToolResult}>(cancellationToken);");
            writer.CloseBlock();
            writer.WriteLine("catch (global::System.Exception exception)");
            writer.OpenBlock();
            var failure = $"{ToolResult}.Failure({Literal(tool.Name + " failed: ")} + exception.Message)";
            writer.WriteLine(isAsync ? $"return {failure};" : $"return new {ResultTask}({failure});");
            writer.CloseBlock();
            writer.CloseBlock();
        }

        // Emitted once per registry; readers only for the kinds some tool uses.
        private static void WriteHelpers(SourceWriter writer, EquatableArray<ToolSpec> tools)
        {
            bool Uses(params ToolParameterKind[] kinds) => tools.Any(tool => tool.Parameters.Any(p => kinds.Contains(p.Kind)));

            WriteHelper(writer, CommonHelpers);
            if (Uses(ToolParameterKind.String))
            {
                WriteHelper(writer, StringReader);
            }
            if (Uses(ToolParameterKind.Boolean))
            {
                WriteHelper(writer, BooleanReader);
            }
            if (Uses(ToolParameterKind.Int32, ToolParameterKind.Int64))
            {
                WriteHelper(writer, IntegerReader);
            }
            if (Uses(ToolParameterKind.Double))
            {
                WriteHelper(writer, NumberReader);
            }
            if (Uses(ToolParameterKind.Int32, ToolParameterKind.Int64, ToolParameterKind.Double))
            {
                WriteHelper(writer, RangeHelpers);
            }
        }

        private static void WriteHelper(SourceWriter writer, string text)
        {
            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                if (line.Length == 0)
                {
                    writer.WriteLine();
                }
                else
                {
                    writer.WriteLine(line.Replace("[GeneratedCode]", GeneratedSource.CodeAttribute));
                }
            }
        }

        private static string IntegerMinimum(ToolParameterSpec parameter)
        {
            var typeMinimum = parameter.Kind == ToolParameterKind.Int32 ? int.MinValue : long.MinValue;
            return (parameter.Minimum switch
            {
                null => typeMinimum,
                { } bound when bound <= typeMinimum => typeMinimum,
                >= Int64RangeEnd => long.MaxValue,
                { } bound => (long)Math.Ceiling(bound),
            }).ToString(CultureInfo.InvariantCulture);
        }

        private static string IntegerMaximum(ToolParameterSpec parameter)
        {
            var typeMaximum = parameter.Kind == ToolParameterKind.Int32 ? int.MaxValue : long.MaxValue;
            return (parameter.Maximum switch
            {
                null => typeMaximum,
                { } bound when bound >= typeMaximum => typeMaximum,
                < -Int64RangeEnd => long.MinValue,
                { } bound => (long)Math.Floor(bound),
            }).ToString(CultureInfo.InvariantCulture);
        }

        private static string DoubleBound(double? bound, string unset) =>
            bound is { } value ? JsonText.Number(value) : "global::System.Double." + unset;

        private static string Keyword(ToolParameterKind kind) => kind switch
        {
            ToolParameterKind.String => "string",
            ToolParameterKind.Int32 => "int",
            ToolParameterKind.Int64 => "long",
            ToolParameterKind.Double => "double",
            _ => "bool",
        };

        // The tool method's own parameter type.
        private static string ParameterType(ToolParameterSpec parameter) => Keyword(parameter.Kind) + (parameter.IsNullable ? "?" : "");

        // A required string starts as null until bound; so does a string whose C# default is null.
        private static string LocalType(ToolParameterSpec parameter) =>
            parameter.Kind == ToolParameterKind.String && (parameter.IsRequired || parameter.DefaultLiteral == "null") ? "string?" : ParameterType(parameter);

        private static string LocalInitializer(ToolParameterSpec parameter) =>
            parameter.IsRequired ? (parameter.Kind == ToolParameterKind.String ? "null" : "default") : parameter.DefaultLiteral!;

        // Bound (required) or the method's own default (null only where the method declared it).
        private static bool NeedsNullForgiving(ToolParameterSpec parameter) =>
            LocalType(parameter) != ParameterType(parameter);
    }
}
