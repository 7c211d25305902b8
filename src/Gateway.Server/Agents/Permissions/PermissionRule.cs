using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Agents.Permissions;

/// <summary>A rule of SPEC §6: a tool name and, per listed parameter, a glob its string form must match.</summary>
internal sealed record PermissionRule(string Tool, IReadOnlyList<KeyValuePair<string, string>> Params, string? Reason = null)
{
    /// <summary>Equal tool name, and every listed param present with a matching string form; unlisted params are ignored.</summary>
    public bool Matches(string tool, JsonElement arguments)
    {
        if (tool != Tool)
        {
            return false;
        }
        foreach (var (name, glob) in Params)
        {
            if (arguments.ValueKind != JsonValueKind.Object
                || !arguments.TryGetProperty(name, out var value)
                || !Glob.IsMatch(glob, ToolPermissions.StringForm(value)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The rule an "always" answer adds (SPEC §6): every param, by <see cref="ToolPermissions.FirstWordGlob"/>.</summary>
    public static PermissionRule DeriveAlways(string tool, JsonElement arguments)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in arguments.EnumerateObject())
            {
                parameters.Add(new(property.Name, ToolPermissions.FirstWordGlob(ToolPermissions.StringForm(property.Value))));
            }
        }
        return new PermissionRule(tool, parameters);
    }
}
