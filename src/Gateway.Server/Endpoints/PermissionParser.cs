using System.Text.Json;
using Gateway.Server.Agents.Permissions;

namespace Gateway.Server.Endpoints;

/// <summary>Parses the <c>permissions</c> object of SPEC §6; absent is empty [Gateway].</summary>
internal static class PermissionParser
{
    public static PermissionSet Parse(JsonElement request)
    {
        if (!request.TryGetProperty("permissions", out var permissions) || permissions.ValueKind == JsonValueKind.Null)
        {
            return PermissionSet.Empty;
        }
        if (permissions.ValueKind != JsonValueKind.Object)
        {
            throw RequestError.BadRequest("permissions must be an object");
        }

        var denyRules = new List<PermissionRule>();
        var deniedIds = new List<KeyValuePair<string, string?>>();
        foreach (var (entry, path) in Entries(permissions, "deny"))
        {
            var reason = OptionalString(entry, "reason", path);
            // A deny entry names one call by its raw id, or [Gateway] is a rule like the others.
            if (entry.TryGetProperty("toolCallId", out var id))
            {
                deniedIds.Add(new(id.ValueKind == JsonValueKind.String ? id.GetString()! : throw RequestError.BadRequest($"{path}.toolCallId must be a string"), reason));
            }
            else
            {
                denyRules.Add(ParseRule(entry, path) with { Reason = reason });
            }
        }

        return new PermissionSet(
            [.. Entries(permissions, "allowlist").Select(e => ParseRule(e.Entry, e.Path))],
            [.. Entries(permissions, "allowOnce").Select(e => ParseRule(e.Entry, e.Path))],
            denyRules,
            deniedIds);
    }

    private static IEnumerable<(JsonElement Entry, string Path)> Entries(JsonElement permissions, string name)
    {
        if (!permissions.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw RequestError.BadRequest($"permissions.{name} must be an array");
        }
        return list.EnumerateArray().Select((entry, i) =>
            entry.ValueKind == JsonValueKind.Object ? (entry, $"permissions.{name}[{i}]") : throw RequestError.BadRequest($"permissions.{name}[{i}] must be an object"));
    }

    /// <summary><c>{"tool": name, "params"?: {param: glob}}</c>.</summary>
    private static PermissionRule ParseRule(JsonElement entry, string path)
    {
        if (!entry.TryGetProperty("tool", out var tool) || tool.ValueKind != JsonValueKind.String)
        {
            throw RequestError.BadRequest($"{path}.tool must be a string");
        }
        var parameters = new List<KeyValuePair<string, string>>();
        if (entry.TryGetProperty("params", out var globs) && globs.ValueKind != JsonValueKind.Null)
        {
            if (globs.ValueKind != JsonValueKind.Object)
            {
                throw RequestError.BadRequest($"{path}.params must be an object");
            }
            foreach (var glob in globs.EnumerateObject())
            {
                parameters.Add(new(glob.Name, glob.Value.ValueKind == JsonValueKind.String
                    ? glob.Value.GetString()!
                    : throw RequestError.BadRequest($"{path}.params.{glob.Name} must be a string")));
            }
        }
        return new PermissionRule(tool.GetString()!, parameters);
    }

    private static string? OptionalString(JsonElement entry, string name, string path) =>
        !entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw RequestError.BadRequest($"{path}.{name} must be a string");
}
