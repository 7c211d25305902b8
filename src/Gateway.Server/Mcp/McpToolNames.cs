using System.Globalization;
using Gateway.Server.Agents;

namespace Gateway.Server.Mcp;

/// <summary>
/// The names MCP tools are offered under: <c>mcp__&lt;server&gt;__&lt;tool&gt;</c> within <c>^[a-zA-Z0-9_-]{1,64}$</c>,
/// what OpenAI's and Anthropic's APIs accept; MCP 2025-11-25 (SEP-986) also allows '.' and '/' and 128 characters.
/// </summary>
internal static class McpToolNames
{
    public const int MaxLength = 64;

    /// <summary>The name a tool is offered under before de-duplication: other characters become '_', the end is cut at <see cref="MaxLength"/>.</summary>
    public static string Exposed(string server, string tool)
    {
        var name = $"{AgentOptions.McpToolPrefix}{server}__{tool}";
        return string.Create(Math.Min(name.Length, MaxLength), name, static (chars, name) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = char.IsAsciiLetterOrDigit(name[i]) || name[i] is '_' or '-' ? name[i] : '_';
            }
        });
    }

    /// <summary><paramref name="name"/>, or the first of <c>name_2</c>, <c>name_3</c>… (cut to fit) not yet in <paramref name="taken"/>; adds it there.</summary>
    public static string Claim(string name, HashSet<string> taken)
    {
        var claimed = name;
        for (var n = 2; !taken.Add(claimed); n++)
        {
            var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
            claimed = name[..Math.Min(name.Length, MaxLength - suffix.Length)] + suffix;
        }
        return claimed;
    }
}
