namespace Gateway.Tools;

/// <summary>Marks a static method as a tool the agent loop can call; Gateway.Generators builds the registry from these.</summary>
/// <remarks>
/// The generator emits <c>GeneratedToolRegistry</c> in the project's RootNamespace with the tools' descriptors
/// and a reflection-free dispatcher. The method must be static and at least internal (GW0005), return
/// <c>ValueTask&lt;ToolResult&gt;</c>, <c>Task&lt;ToolResult&gt;</c> or <see cref="ToolResult"/> (GW0007), and have a
/// unique (GW0008) lowercase snake_case <paramref name="name"/> (GW0009). An optional first <see cref="ToolContext"/>
/// and an optional last <see cref="System.Threading.CancellationToken"/> are passed in (GW0011); every other
/// parameter is string, int, long, double, bool or a nullable form of one (GW0006) and carries
/// <see cref="ToolParameterAttribute"/> (GW0010). A parameter with a default value, or a nullable one, is optional.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ToolAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>A static method of the tool's class shaped like <see cref="ToolPermissionView"/> (GW0012), put in the descriptor; use <c>nameof</c>.</summary>
    public string? PermissionView { get; set; }

    /// <summary>A static method of the tool's class shaped like <see cref="ToolAlwaysRule"/> (GW0012), put in the descriptor; use <c>nameof</c>.</summary>
    public string? AlwaysRule { get; set; }
}
