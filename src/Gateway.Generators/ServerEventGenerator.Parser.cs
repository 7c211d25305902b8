using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Gateway.Generators.Helpers;
using Gateway.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Gateway.Generators;

public sealed partial class ServerEventGenerator
{
    /// <summary>Maps a marked struct's symbol to a <see cref="TypeParseResult"/>; nothing Roslyn-owned leaves this class.</summary>
    private static class Parser
    {
        private const string RawJsonTypeName = "global::Gateway.Tools.RawJson";
        private const string Utf8TextTypeName = "global::Gateway.Server.Events.Utf8Text";

        private static readonly SymbolDisplayFormat DeclarationNameFormat = new(
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        private static readonly SymbolDisplayFormat NamespaceFormat = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        public static TypeParseResult Parse(GeneratorAttributeSyntaxContext context, ImplementedInterface implemented, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var typeName = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            var diagnostics = new List<DiagnosticInfo>();

            EventNameUsage? eventName = null;
            if (implemented == ImplementedInterface.ServerEvent)
            {
                eventName = ReadEventName(context.Attributes[0], declaration, typeName, cancellationToken);
                if (!Identifiers.IsSnakeCase(eventName.EventName))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEventTypeName, eventName.Location, eventName.EventName, typeName));
                }
            }

            // The generated part is another declaration of the struct and of each enclosing type.
            for (SyntaxNode? node = declaration; node is TypeDeclarationSyntax typeDeclaration; node = node.Parent)
            {
                if (!typeDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    var interfaceName = implemented == ImplementedInterface.ServerEvent ? "IServerEvent" : "IEventPayload";
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.TypeMustBePartial,
                        LocationInfo.From(typeDeclaration.Identifier),
                        typeDeclaration.Identifier.ValueText,
                        interfaceName,
                        typeName));
                    return new TypeParseResult(null, eventName, EquatableArray.From(diagnostics));
                }
            }

            var properties = ReadProperties(type, typeName, diagnostics, cancellationToken);
            var spec = new TypeSpec(
                implemented,
                type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(NamespaceFormat),
                ContainingTypeDeclarations(type),
                Declaration(type),
                HintName(type, implemented),
                eventName?.EventName,
                properties);
            return new TypeParseResult(spec, eventName, EquatableArray.From(diagnostics));
        }

        /// <summary>Reports GW0003 on every event after the first that uses a name, pointing at the first.</summary>
        public static EquatableArray<DiagnosticInfo> FindDuplicateEventNames(ImmutableArray<EventNameUsage> names) =>
            DuplicateNames.Report(names, static name => name.EventName, static (name, owner) =>
                DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEventTypeName, name.Location, name.TypeName, name.EventName, owner.TypeName));

        private static EventNameUsage ReadEventName(AttributeData attribute, TypeDeclarationSyntax declaration, string typeName, CancellationToken cancellationToken)
        {
            var name = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault();
            var location = argument is not null ? LocationInfo.From(argument) : LocationInfo.From(declaration.Identifier);
            return new EventNameUsage(name ?? "", typeName, location);
        }

        private static EquatableArray<PropertySpec> ReadProperties(INamedTypeSymbol type, string typeName, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var properties = new List<PropertySpec>();
            // GetMembers keeps declaration order, across partial declarations in compilation order.
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IPropertySymbol
                    {
                        IsStatic: false,
                        IsIndexer: false,
                        DeclaredAccessibility: Accessibility.Public,
                        GetMethod.DeclaredAccessibility: Accessibility.Public,
                    } property)
                {
                    continue;
                }

                if (TryClassify(property.Type, out var kind, out var isNullable))
                {
                    properties.Add(new PropertySpec(Identifiers.Escape(property.Name), ToCamelCase(property.Name), kind, isNullable));
                }
                else if (property.Type.TypeKind != TypeKind.Error)
                {
                    // An unresolved type already has a compiler error; a second one would only add noise.
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnsupportedPropertyType,
                        LocationInfo.From(property.Locations.FirstOrDefault()),
                        property.Name,
                        typeName,
                        property.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                }
            }
            return EquatableArray.From(properties);
        }

        private static bool TryClassify(ITypeSymbol type, out PropertyKind kind, out bool isNullable)
        {
            type = TypeSymbols.UnwrapNullable(type, out isNullable);

            PropertyKind? special = type.SpecialType switch
            {
                SpecialType.System_String => PropertyKind.String,
                SpecialType.System_Int32 => PropertyKind.Int32,
                SpecialType.System_Int64 => PropertyKind.Int64,
                SpecialType.System_Double => PropertyKind.Double,
                SpecialType.System_Boolean => PropertyKind.Boolean,
                _ => null,
            };
            kind = special.GetValueOrDefault();
            if (special is not null)
            {
                return true;
            }
            var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (typeName == RawJsonTypeName)
            {
                kind = PropertyKind.RawJson;
                return true;
            }
            if (typeName == Utf8TextTypeName)
            {
                kind = PropertyKind.Utf8Text;
                return true;
            }
            if (type.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == EventPayloadAttributeName))
            {
                kind = PropertyKind.Payload;
                return true;
            }
            return false;
        }

        private static EquatableArray<string> ContainingTypeDeclarations(INamedTypeSymbol type)
        {
            var declarations = new List<string>();
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                declarations.Insert(0, Declaration(containing));
            }
            return EquatableArray.From(declarations);
        }

        // Modifiers mirror the user's declaration so the parts never disagree.
        private static string Declaration(INamedTypeSymbol type)
        {
            var keyword = type.TypeKind switch
            {
                TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => type.IsRecord ? "record" : "class",
            };
            var readOnly = type.TypeKind == TypeKind.Struct && type.IsReadOnly ? "readonly " : "";
            var refLike = type.IsRefLikeType ? "ref " : "";
            return $"{readOnly}{refLike}partial {keyword} {type.ToDisplayString(DeclarationNameFormat)}";
        }

        private static string HintName(INamedTypeSymbol type, ImplementedInterface implemented)
        {
            // The namespace keeps two same-named structs in different namespaces from colliding.
            var name = type.MetadataName;
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                name = containing.MetadataName + "." + name;
            }
            if (!type.ContainingNamespace.IsGlobalNamespace)
            {
                name = type.ContainingNamespace.ToDisplayString() + "." + name;
            }
            return $"{name}.{implemented}.g.cs";
        }

        // The same rule as System.Text.Json's JsonNamingPolicy.CamelCase, so "URLPath" becomes "urlPath"
        // exactly as a serializer configured with that policy would write it.
        private static string ToCamelCase(string name)
        {
            if (name.Length == 0 || !char.IsUpper(name[0]))
            {
                return name;
            }
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (i == 1 && !char.IsUpper(chars[i]))
                {
                    break;
                }
                var hasNext = i + 1 < chars.Length;
                if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
                {
                    if (chars[i + 1] == ' ')
                    {
                        chars[i] = char.ToLowerInvariant(chars[i]);
                    }
                    break;
                }
                chars[i] = char.ToLowerInvariant(chars[i]);
            }
            return new string(chars);
        }
    }
}
