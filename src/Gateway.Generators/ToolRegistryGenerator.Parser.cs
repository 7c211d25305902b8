using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Gateway.Generators.Helpers;
using Gateway.Generators.Model.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Gateway.Generators;

public sealed partial class ToolRegistryGenerator
{
    /// <summary>Maps a <c>[Tool]</c> method's symbol to a <see cref="ToolParseResult"/>; nothing Roslyn-owned leaves this class.</summary>
    private static class Parser
    {
        private const string ToolParameterAttributeName = "Gateway.Tools.ToolParameterAttribute";
        private const string ToolContextTypeName = "global::Gateway.Tools.ToolContext";
        private const string CancellationTokenTypeName = "global::System.Threading.CancellationToken";
        private const string ToolProgressTypeName = "global::Gateway.Tools.IToolProgress";
        private const string ToolResultTypeName = "global::Gateway.Tools.ToolResult";
        private const string PermissionViewTypeName = "Gateway.Tools.ToolPermissionView";
        private const string AlwaysRuleTypeName = "Gateway.Tools.ToolAlwaysRule";

        public static ToolParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var declaration = (MethodDeclarationSyntax)context.TargetNode;
            var methodName = method.ContainingType.Name + "." + method.Name;
            var diagnostics = new List<DiagnosticInfo>();

            var attribute = context.Attributes[0];
            var name = ReadToolName(attribute, declaration, methodName, cancellationToken);
            if (!Identifiers.IsSnakeCase(name.ToolName))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidToolName, name.Location, name.ToolName, methodName));
            }
            if (CallableProblem(method) is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ToolMethodNotCallable, LocationInfo.From(declaration.Identifier), methodName, problem));
            }
            var returnKind = ReadReturnKind(method, declaration, methodName, diagnostics);
            var parameters = ReadParameters(method, declaration, methodName, diagnostics, out var takesContext, out var takesProgress, out var takesToken, cancellationToken);
            var compilation = context.SemanticModel.Compilation;
            var permissionView = ReadHook(attribute, "PermissionView", PermissionViewTypeName, method, methodName, compilation, diagnostics, cancellationToken);
            var alwaysRule = ReadHook(attribute, "AlwaysRule", AlwaysRuleTypeName, method, methodName, compilation, diagnostics, cancellationToken);

            if (diagnostics.Count > 0)
            {
                return new ToolParseResult(null, name, EquatableArray.From(diagnostics));
            }
            var spec = new ToolSpec(
                name.ToolName,
                attribute.ConstructorArguments.Length == 2 ? attribute.ConstructorArguments[1].Value as string ?? "" : "",
                method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                Identifiers.Escape(method.Name),
                returnKind,
                takesContext,
                takesProgress,
                takesToken,
                parameters,
                permissionView,
                alwaysRule);
            return new ToolParseResult(spec, name, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>Reports GW0008 on every tool after the first that uses a name, pointing at the first.</summary>
        public static EquatableArray<DiagnosticInfo> FindDuplicateToolNames(ImmutableArray<ToolNameUsage> names) =>
            DuplicateNames.Report(names, static name => name.ToolName, static (name, owner) =>
                DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateToolName, name.Location, name.MethodName, name.ToolName, owner.MethodName));

        /// <summary>The registry of a compilation that declares at least one tool; tools with errors and repeated names are left out.</summary>
        public static ToolRegistrySpec? CreateRegistry(ImmutableArray<ToolSpec?> specs, string? @namespace)
        {
            if (specs.IsEmpty)
            {
                return null;
            }
            // Collect keeps source order, so the first declaration of a repeated name wins, as GW0008 says.
            var names = new HashSet<string>(StringComparer.Ordinal);
            var tools = specs.Where(spec => spec is not null && names.Add(spec.Name)).Select(spec => spec!).ToList();
            tools.Sort(static (left, right) => string.CompareOrdinal(left.Name, right.Name));
            var hintName = (@namespace is null ? "" : @namespace.Replace("@", "") + ".") + "GeneratedToolRegistry.g.cs";
            return new ToolRegistrySpec(@namespace, hintName, EquatableArray.From(tools));
        }

        /// <summary>The RootNamespace, else the assembly name, as a valid namespace; null for the global namespace.</summary>
        public static string? RegistryNamespace(string? rootNamespace, string? assemblyName) =>
            Identifiers.ToNamespace(string.IsNullOrWhiteSpace(rootNamespace) ? assemblyName : rootNamespace);

        private static ToolNameUsage ReadToolName(AttributeData attribute, MethodDeclarationSyntax declaration, string methodName, CancellationToken cancellationToken)
        {
            var name = attribute.ConstructorArguments.Length == 2 ? attribute.ConstructorArguments[0].Value as string : null;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault();
            var location = argument is not null ? LocationInfo.From(argument) : LocationInfo.From(declaration.Identifier);
            return new ToolNameUsage(name ?? "", methodName, location);
        }

        /// <summary>The escaped name of the method a hook property of <c>[Tool]</c> (<c>AlwaysRule = nameof(AlwaysRule)</c>) names; null when unset or not a fitting method (GW0012).</summary>
        /// <remarks>
        /// A fitting method is static, callable from the registry, of the tool's own type, with the delegate's exact parameter
        /// and return types. The transform re-runs when the tool's own file changes, so hooks belong in that file.
        /// </remarks>
        private static string? ReadHook(
            AttributeData attribute,
            string property,
            string delegateName,
            IMethodSymbol tool,
            string methodName,
            Compilation compilation,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            if (attribute.NamedArguments.FirstOrDefault(argument => argument.Key == property).Value.Value is not string hookName)
            {
                return null;
            }
            var shape = compilation.GetTypeByMetadataName(delegateName)?.DelegateInvokeMethod;
            if (shape is not null && tool.ContainingType.GetMembers(hookName).OfType<IMethodSymbol>().Any(candidate => Fits(candidate, shape)))
            {
                return Identifiers.Escape(hookName);
            }
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ToolHookNotFound,
                argument is not null ? LocationInfo.From(argument.Expression) : LocationInfo.From(tool.Locations.FirstOrDefault()),
                methodName,
                hookName,
                property,
                tool.ContainingType.Name,
                shape is null ? delegateName : Signature(shape, hookName)));
            return null;
        }

        private static bool Fits(IMethodSymbol candidate, IMethodSymbol shape) =>
            candidate is { MethodKind: MethodKind.Ordinary, IsStatic: true, IsGenericMethod: false }
            && candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            && SymbolEqualityComparer.Default.Equals(candidate.ReturnType, shape.ReturnType)
            && candidate.Parameters.Length == shape.Parameters.Length
            && candidate.Parameters.Zip(shape.Parameters, static (left, right) =>
                left.RefKind == right.RefKind && SymbolEqualityComparer.Default.Equals(left.Type, right.Type)).All(static same => same);

        // As the tool's author would write the hook: "RawJson View(JsonElement arguments, ToolContext context)".
        private static string Signature(IMethodSymbol shape, string hookName) =>
            shape.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + hookName + "("
            + string.Join(", ", shape.Parameters.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name)) + ")";

        // The generated class is another type in the same assembly: it can call internal members only.
        private static string? CallableProblem(IMethodSymbol method)
        {
            if (!method.IsStatic)
            {
                return "static";
            }
            if (method.IsGenericMethod || method.IsAbstract)
            {
                return "a non-generic, non-abstract method";
            }
            for (ISymbol? symbol = method; symbol is IMethodSymbol or INamedTypeSymbol; symbol = symbol.ContainingType)
            {
                if (symbol is INamedTypeSymbol { IsGenericType: true })
                {
                    return "declared in non-generic types";
                }
                if (symbol is INamedTypeSymbol { IsFileLocal: true }
                    || symbol.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    return "internal or public, in internal or public types";
                }
            }
            return null;
        }

        private static ToolReturnKind ReadReturnKind(IMethodSymbol method, MethodDeclarationSyntax declaration, string methodName, List<DiagnosticInfo> diagnostics)
        {
            var returnType = method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            switch (returnType)
            {
                case "global::System.Threading.Tasks.ValueTask<" + ToolResultTypeName + ">":
                    return ToolReturnKind.ValueTask;
                case "global::System.Threading.Tasks.Task<" + ToolResultTypeName + ">":
                    return ToolReturnKind.Task;
                case ToolResultTypeName:
                    return ToolReturnKind.Synchronous;
            }
            if (method.ReturnType.TypeKind != TypeKind.Error)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedToolReturnType,
                    LocationInfo.From(declaration.ReturnType),
                    methodName,
                    method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
            }
            return default;
        }

        private static EquatableArray<ToolParameterSpec> ReadParameters(
            IMethodSymbol method,
            MethodDeclarationSyntax declaration,
            string methodName,
            List<DiagnosticInfo> diagnostics,
            out bool takesContext,
            out bool takesProgress,
            out bool takesToken,
            CancellationToken cancellationToken)
        {
            takesContext = false;
            takesProgress = false;
            takesToken = false;
            var parameters = new List<ToolParameterSpec>();
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var parameter = method.Parameters[i];
                var syntax = declaration.ParameterList.Parameters[i];
                var typeName = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

                // Injected, not bound: the session's context first, the call's progress sink next, the call's cancellation last.
                var injected = typeName switch
                {
                    ToolContextTypeName => (Name: "ToolContext", Position: "first", InPlace: i == 0),
                    ToolProgressTypeName => (Name: "IToolProgress", Position: "first after any ToolContext", InPlace: i == (takesContext ? 1 : 0)),
                    CancellationTokenTypeName => (Name: "CancellationToken", Position: "last", InPlace: i == method.Parameters.Length - 1),
                    _ => default,
                };
                if (injected.Name is not null)
                {
                    if (!injected.InPlace)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.InjectedParameterMisplaced, LocationInfo.From(syntax), parameter.Name, methodName, injected.Name, injected.Position));
                    }
                    takesContext |= injected.Name == "ToolContext" && injected.InPlace;
                    takesProgress |= injected.Name == "IToolProgress" && injected.InPlace;
                    takesToken |= injected.Name == "CancellationToken" && injected.InPlace;
                    continue;
                }

                var attribute = parameter.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == ToolParameterAttributeName);
                if (attribute is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.ToolParameterNotDescribed, LocationInfo.From(syntax.Identifier), parameter.Name, methodName));
                }
                if (!TryClassify(parameter, out var kind, out var isNullable))
                {
                    // An unresolved type already has a compiler error; a second one would only add noise.
                    if (parameter.Type.TypeKind != TypeKind.Error)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.UnsupportedToolParameterType,
                            LocationInfo.From((SyntaxNode?)syntax.Type ?? syntax),
                            parameter.Name,
                            methodName,
                            parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                    }
                    continue;
                }
                if (attribute is not null)
                {
                    parameters.Add(ReadParameter(parameter, attribute, kind, isNullable));
                }
            }
            return EquatableArray.From(parameters);
        }

        private static ToolParameterSpec ReadParameter(IParameterSymbol parameter, AttributeData attribute, ToolParameterKind kind, bool isNullable)
        {
            var description = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : "";
            double? minimum = null;
            double? maximum = null;
            foreach (var argument in attribute.NamedArguments)
            {
                // NaN is the attribute's "unset"; infinities bound nothing and JSON cannot write them.
                if (argument.Value.Value is double bound && !double.IsNaN(bound) && !double.IsInfinity(bound))
                {
                    minimum = argument.Key == "Minimum" ? bound : minimum;
                    maximum = argument.Key == "Maximum" ? bound : maximum;
                }
            }

            string? defaultLiteral = null;
            string? defaultJson = null;
            if (parameter.HasExplicitDefaultValue)
            {
                (defaultLiteral, defaultJson) = FormatDefault(parameter.ExplicitDefaultValue);
            }
            else if (isNullable)
            {
                defaultLiteral = "null";
            }
            var isRequired = !parameter.HasExplicitDefaultValue && !isNullable;
            return new ToolParameterSpec(parameter.Name, kind, isNullable, description, isRequired, defaultLiteral, defaultJson, minimum, maximum);
        }

        // The constant is already converted to the parameter's type (an int default of a double parameter is a double).
        private static (string Literal, string? Json) FormatDefault(object? value) => value switch
        {
            null => ("null", null),
            string text => (SymbolDisplay.FormatLiteral(text, quote: true), JsonText.String(text)),
            bool flag => (flag ? "true" : "false", flag ? "true" : "false"),
            double.NaN => ("global::System.Double.NaN", null),
            double.PositiveInfinity => ("global::System.Double.PositiveInfinity", null),
            double.NegativeInfinity => ("global::System.Double.NegativeInfinity", null),
            double number => (JsonText.Number(number), JsonText.Number(number)),
            _ => (Convert.ToString(value, CultureInfo.InvariantCulture)!, Convert.ToString(value, CultureInfo.InvariantCulture)),
        };

        private static bool TryClassify(IParameterSymbol parameter, out ToolParameterKind kind, out bool isNullable)
        {
            var type = TypeSymbols.UnwrapNullable(parameter.Type, out isNullable);

            ToolParameterKind? special = type.SpecialType switch
            {
                SpecialType.System_String => ToolParameterKind.String,
                SpecialType.System_Int32 => ToolParameterKind.Int32,
                SpecialType.System_Int64 => ToolParameterKind.Int64,
                SpecialType.System_Double => ToolParameterKind.Double,
                SpecialType.System_Boolean => ToolParameterKind.Boolean,
                _ => null,
            };
            kind = special.GetValueOrDefault();
            // ref/out/params would need a variable or an array the dispatcher does not have.
            return special is not null && parameter.RefKind is RefKind.None or RefKind.In && !parameter.IsParams;
        }
    }
}
