namespace Gateway.Tools;

/// <summary>Describes a parameter of a <see cref="ToolAttribute"/> method; Gateway.Generators puts it into the tool's JSON Schema.</summary>
/// <remarks>
/// Every parameter other than a leading <see cref="ToolContext"/> and a trailing
/// <see cref="System.Threading.CancellationToken"/> must carry one. <see cref="Minimum"/> and
/// <see cref="Maximum"/> are unset while <see cref="double.NaN"/>; when set on an int, long or double
/// parameter, the generated binder rejects numbers outside them and the schema advertises them. They
/// mean nothing for strings and booleans and are ignored there.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class ToolParameterAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>The smallest value allowed (inclusive); <see cref="double.NaN"/> when unset.</summary>
    public double Minimum { get; set; } = double.NaN;

    /// <summary>The largest value allowed (inclusive); <see cref="double.NaN"/> when unset.</summary>
    public double Maximum { get; set; } = double.NaN;
}
