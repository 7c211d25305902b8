namespace Gateway.Tools;

/// <summary>Marks a static method as a tool the agent loop can call; Gateway.Generators builds the registry from these.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ToolAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}
