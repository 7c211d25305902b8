using System.Collections.Generic;
using System.Text;
using Gateway.Generators.Helpers;
using Gateway.Generators.Model.Tools;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators;

public sealed partial class ToolRegistryGenerator
{
    /// <summary>Maps a <see cref="ToolRegistrySpec"/> to source text; it sees no symbols, only the model.</summary>
    /// <remarks>The class shell, the descriptors and the dispatch switch are here; argument binding is in <c>Binding</c>.</remarks>
    private static partial class Emitter
    {
        private const string ToolResult = "global::Gateway.Tools.ToolResult";
        private const string ResultTask = "global::System.Threading.Tasks.ValueTask<" + ToolResult + ">";
        private const string RawJson = "global::Gateway.Tools.RawJson";
        private const string ToolContext = "global::Gateway.Tools.ToolContext";
        private const string CancellationToken = "global::System.Threading.CancellationToken";
        private const string ToolProgress = "global::Gateway.Tools.IToolProgress";
        private const string ToolDescriptor = "global::Gateway.Tools.ToolDescriptor";
        private const string JsonTokenType = "global::System.Text.Json.JsonTokenType";


        public static SourceText Emit(ToolRegistrySpec spec)
        {
            var writer = GeneratedSource.Begin(spec.Namespace);

            writer.WriteLine("/// <summary>The <c>[Tool]</c> methods of this assembly: what is offered to the model, and a dispatcher that binds JSON arguments to them.</summary>");
            writer.WriteLine("public static partial class GeneratedToolRegistry");
            writer.OpenBlock();
            WriteDescriptors(writer, spec.Tools);
            writer.WriteLine();
            WriteInvokeAsync(writer, spec.Tools);
            foreach (var tool in spec.Tools)
            {
                writer.WriteLine();
                WriteInvoke(writer, tool);
                writer.WriteLine();
                WriteRun(writer, tool);
            }
            WriteHelpers(writer, spec.Tools);
            writer.CloseBlock();
            return GeneratedSource.End(writer, spec.Namespace);
        }

        // The schemas are precomputed UTF-8 and parsed once, when the class is first used (STYLE §23).
        private static void WriteDescriptors(SourceWriter writer, EquatableArray<ToolSpec> tools)
        {
            writer.WriteLine("/// <summary>Every tool, ordered by name, with the JSON Schema of its parameters and the permission hooks it declares.</summary>");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"public static global::System.Collections.Generic.IReadOnlyList<{ToolDescriptor}> Descriptors {{ get; }} = global::System.Array.AsReadOnly(new {ToolDescriptor}[]");
            writer.OpenBlock();
            foreach (var tool in tools)
            {
                // The permission hooks are direct method groups, passed only when the tool declares them.
                var arguments = new List<string> { Literal(tool.Name), Literal(tool.Description), $"{RawJson}.Parse({Literal(Schema(tool))}u8)" };
                if (tool.PermissionView is { } view)
                {
                    arguments.Add($"PermissionView: {tool.ContainingType}.{view}");
                }
                if (tool.AlwaysRule is { } rule)
                {
                    arguments.Add($"AlwaysRule: {tool.ContainingType}.{rule}");
                }
                writer.WriteLine($"new {ToolDescriptor}(");
                for (var i = 0; i < arguments.Count; i++)
                {
                    writer.WriteLine($"    {arguments[i]}{(i < arguments.Count - 1 ? "," : "),")}");
                }
            }
            writer.CloseBlock(");");
        }

        private static void WriteInvokeAsync(SourceWriter writer, EquatableArray<ToolSpec> tools)
        {
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// Runs the tool called <paramref name=\"name\"/>. An unknown name, arguments that do not fit the tool's schema");
            writer.WriteLine("/// and an exception from the tool come back as a failed result; only cancellation of <paramref name=\"cancellationToken\"/> throws.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"public static {ResultTask} InvokeAsync(string name, {RawJson} arguments, {ToolContext} context, {CancellationToken} cancellationToken) =>");
            writer.WriteLine($"    InvokeAsync(name, arguments, context, global::Gateway.Tools.ToolProgress.None, cancellationToken);");
            writer.WriteLine();
            writer.WriteLine("/// <summary>As above, with <paramref name=\"progress\"/> receiving the live output of tools that report it (SPEC §5 tool_progress).</summary>");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"public static {ResultTask} InvokeAsync(string name, {RawJson} arguments, {ToolContext} context, {ToolProgress} progress, {CancellationToken} cancellationToken)");
            writer.OpenBlock();
            writer.WriteLine("switch (name)");
            writer.OpenBlock();
            foreach (var tool in tools)
            {
                writer.WriteLine($"case {Literal(tool.Name)}:");
                writer.WriteLine($"    return Invoke_{tool.Name}(arguments, context, progress, cancellationToken);");
            }
            writer.WriteLine("default:");
            writer.WriteLine("    return Fail(\"Unknown tool: \" + name);");
            writer.CloseBlock();
            writer.CloseBlock();
        }

        /// <summary>The tool's parameters as a JSON Schema object, minified; properties in declaration order.</summary>
        private static string Schema(ToolSpec tool)
        {
            var json = new StringBuilder("{\"type\":\"object\",\"properties\":{");
            var required = new List<string>();
            for (var i = 0; i < tool.Parameters.Count; i++)
            {
                var parameter = tool.Parameters[i];
                var name = JsonText.String(parameter.Name);
                json.Append(i == 0 ? "" : ",").Append(name).Append(":{\"type\":\"").Append(JsonType(parameter.Kind)).Append('"');
                json.Append(",\"description\":").Append(JsonText.String(parameter.Description));
                if (parameter.DefaultJson is not null)
                {
                    json.Append(",\"default\":").Append(parameter.DefaultJson);
                }
                // Bounds only mean something for numbers; on other types the attribute's values are ignored.
                if (parameter.Kind is ToolParameterKind.Int32 or ToolParameterKind.Int64 or ToolParameterKind.Double)
                {
                    if (parameter.Minimum is { } minimum)
                    {
                        json.Append(",\"minimum\":").Append(JsonText.Number(minimum));
                    }
                    if (parameter.Maximum is { } maximum)
                    {
                        json.Append(",\"maximum\":").Append(JsonText.Number(maximum));
                    }
                }
                json.Append('}');
                if (parameter.IsRequired)
                {
                    required.Add(name);
                }
            }
            json.Append("},\"required\":[").Append(string.Join(",", required)).Append("],\"additionalProperties\":false}");
            return json.ToString();
        }

        private static string JsonType(ToolParameterKind kind) => kind switch
        {
            ToolParameterKind.String => "string",
            ToolParameterKind.Boolean => "boolean",
            ToolParameterKind.Double => "number",
            _ => "integer",
        };

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
