using System.Collections.Generic;
using Gateway.Generators.Helpers;
using Gateway.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators;

public sealed partial class ServerEventGenerator
{
    /// <summary>Maps a <see cref="TypeSpec"/> to source text; it sees no symbols, only the model.</summary>
    private static class Emitter
    {
        private const string EncodedText = "global::System.Text.Json.JsonEncodedText";
        private const string JsonWriter = "global::System.Text.Json.Utf8JsonWriter";


        public static SourceText Emit(TypeSpec spec)
        {
            var writer = GeneratedSource.Begin(spec.Namespace);
            foreach (var containingType in spec.ContainingTypes)
            {
                writer.WriteLine(containingType);
                writer.OpenBlock();
            }

            var isEvent = spec.Interface == ImplementedInterface.ServerEvent;
            var interfaceName = isEvent ? "global::Gateway.Server.Events.IServerEvent" : "global::Gateway.Server.Events.IEventPayload";
            writer.WriteLine($"{spec.Declaration} : {interfaceName}");
            writer.OpenBlock();
            WriteNameFields(writer, spec);
            writer.WriteLine();
            if (isEvent)
            {
                WriteEventType(writer, spec.EventName!);
                writer.WriteLine();
            }
            WriteJsonMethod(writer, spec);
            if (isEvent)
            {
                writer.WriteLine();
                WriteSseFrameMethod(writer, spec.EventName!);
            }
            writer.CloseBlock();

            for (var i = 0; i < spec.ContainingTypes.Count; i++)
            {
                writer.CloseBlock();
            }
            return GeneratedSource.End(writer, spec.Namespace);
        }

        // Encoded once per type, so writing a name is a copy: no escaping check per event (STYLE §23).
        private static void WriteNameFields(SourceWriter writer, TypeSpec spec)
        {
            if (spec.Interface == ImplementedInterface.ServerEvent)
            {
                writer.WriteLine($"private static readonly {EncodedText} Discriminator_Name = {EncodedText}.Encode(\"type\");");
                writer.WriteLine($"private static readonly {EncodedText} Discriminator_Value = {EncodedText}.Encode({Literal(spec.EventName!)});");
            }
            foreach (var property in spec.Properties)
            {
                writer.WriteLine($"private static readonly {EncodedText} {FieldName(property)} = {EncodedText}.Encode({Literal(property.JsonName)});");
            }
        }

        private static void WriteEventType(SourceWriter writer, string eventName)
        {
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"public static global::System.ReadOnlySpan<byte> EventType => {Literal(eventName)}u8;");
        }

        private static void WriteJsonMethod(SourceWriter writer, TypeSpec spec)
        {
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine($"public void WriteJson({JsonWriter} writer)");
            writer.OpenBlock();
            writer.WriteLine("writer.WriteStartObject();");
            if (spec.Interface == ImplementedInterface.ServerEvent)
            {
                writer.WriteLine("writer.WriteString(Discriminator_Name, Discriminator_Value);");
            }

            var locals = new HashSet<string>();
            foreach (var property in spec.Properties)
            {
                if (!property.IsNullable)
                {
                    WriteProperty(writer, property, $"this.{property.Name}");
                    continue;
                }
                // Optional fields are omitted, never null (SPEC §5). The getter is read once.
                var local = property.JsonName + "Value";
                for (var suffix = 2; !locals.Add(local); suffix++)
                {
                    local = property.JsonName + "Value" + suffix;
                }
                writer.WriteLine($"if (this.{property.Name} is {{ }} {local})");
                writer.OpenBlock();
                WriteProperty(writer, property, local);
                writer.CloseBlock();
            }
            writer.WriteLine("writer.WriteEndObject();");
            writer.CloseBlock();
        }

        private static void WriteProperty(SourceWriter writer, PropertySpec property, string value)
        {
            var name = FieldName(property);
            switch (property.Kind)
            {
                case PropertyKind.String:
                    writer.WriteLine($"writer.WriteString({name}, {value});");
                    break;
                case PropertyKind.Utf8Text:
                    writer.WriteLine($"writer.WriteString({name}, {value}.AsSpan());");
                    break;
                case PropertyKind.Boolean:
                    writer.WriteLine($"writer.WriteBoolean({name}, {value});");
                    break;
                case PropertyKind.RawJson:
                    // Already minified JSON (RawJson's invariant): copied, not re-parsed.
                    writer.WriteLine($"writer.WritePropertyName({name});");
                    writer.WriteLine($"{value}.WriteTo(writer);");
                    break;
                case PropertyKind.Payload:
                    writer.WriteLine($"writer.WritePropertyName({name});");
                    writer.WriteLine($"{value}.WriteJson(writer);");
                    break;
                default:
                    writer.WriteLine($"writer.WriteNumber({name}, {value});");
                    break;
            }
        }

        private static void WriteSseFrameMethod(SourceWriter writer, string eventName)
        {
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedSource.CodeAttribute);
            writer.WriteLine("public void WriteSseFrame(global::System.Buffers.IBufferWriter<byte> output)");
            writer.OpenBlock();
            writer.WriteLine($"global::System.Buffers.BuffersExtensions.Write(output, {Literal($"event: {eventName}\ndata: ")}u8);");
            writer.WriteLine("var writer = global::Gateway.Server.Events.EventJsonWriter.Rent(output);");
            writer.WriteLine("this.WriteJson(writer);");
            // The JSON must reach the output before the frame's closing blank line does.
            writer.WriteLine("writer.Flush();");
            writer.WriteLine("global::System.Buffers.BuffersExtensions.Write(output, \"\\n\\n\"u8);");
            writer.CloseBlock();
        }

        private static string FieldName(PropertySpec property) => "PropName_" + property.Name.TrimStart('@');

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
