using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Helpers;

internal static class TypeSymbols
{
    /// <summary>The underlying type of <c>T?</c>, for value types (<c>Nullable&lt;T&gt;</c>) and annotated reference types alike.</summary>
    public static ITypeSymbol UnwrapNullable(ITypeSymbol type, out bool isNullable)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            isNullable = true;
            return nullable.TypeArguments[0];
        }
        isNullable = type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated;
        return type;
    }
}
