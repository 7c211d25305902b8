using System.Text.Json;

namespace Gateway.Tools;

/// <summary>SPEC §6's string form of a value and its "always" glob: one home for the server's rules and the tools' permission hooks.</summary>
/// <remarks>
/// Rule globs (SPEC §6) match the whole string, <c>*</c> and <c>**</c> cross "/", and a wildcard never matches a "."
/// that starts a path segment, so <c>src/**</c> reaches neither <c>src/.env</c> nor <c>src/../x</c>.
/// </remarks>
public static class ToolPermissions
{
    /// <summary>SPEC §6: a value with a space after its first character becomes <c>&lt;first word&gt; **</c>, anything else stays exact.</summary>
    public static string FirstWordGlob(string value)
    {
        var space = value.Length > 1 ? value.IndexOf(' ', 1) : -1;
        return space > 0 ? value[..space] + " **" : value;
    }

    /// <summary>A string's text, any other JSON value's minified text: the "string form" rules match (SPEC §6).</summary>
    public static string StringForm(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object or JsonValueKind.Array => RawJson.FromElement(value).ToString(),
        _ => value.GetRawText(),
    };
}
