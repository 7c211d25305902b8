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
                || !Glob.IsMatch(glob, StringForm(value)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The rule an "always" answer adds (SPEC §6): per param, a value with a space after its first
    /// character becomes "&lt;first word&gt; **", anything else is matched exactly.
    /// </summary>
    public static PermissionRule DeriveAlways(string tool, JsonElement arguments)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in arguments.EnumerateObject())
            {
                var value = StringForm(property.Value);
                var space = value.Length > 1 ? value.IndexOf(' ', 1) : -1;
                parameters.Add(new(property.Name, space > 0 ? value[..space] + " **" : value));
            }
        }
        return new PermissionRule(tool, parameters);
    }

    /// <summary>A string param's text; any other JSON value's minified text.</summary>
    public static string StringForm(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object or JsonValueKind.Array => RawJson.FromElement(value).ToString(),
        _ => value.GetRawText(),
    };
}
