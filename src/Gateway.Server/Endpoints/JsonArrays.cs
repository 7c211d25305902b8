using System.Text.Json;

namespace Gateway.Server.Endpoints;

/// <summary>Parses every element of a request's JSON array, handing each its path for error messages (<c>messages[2]</c>).</summary>
internal static class JsonArrays
{
    /// <param name="array">An array (the caller has checked).</param>
    /// <param name="path">The array's own path, e.g. <c>messages</c> or <c>messages[0].tool_calls</c>.</param>
    /// <param name="dotted">Elements named as Anthropic names them, <c>messages.2</c>, rather than OpenAI's <c>messages[2]</c>.</param>
    public static List<T> ParseEach<T>(JsonElement array, string path, Func<JsonElement, string, T> parse, bool dotted = false)
    {
        var parsed = new List<T>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            parsed.Add(parse(element, dotted ? $"{path}.{index++}" : $"{path}[{index++}]"));
        }
        return parsed;
    }
}
