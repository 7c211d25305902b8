using System.Buffers;
using System.Text.Json;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools;

/// <summary>How the built-in tools are seen by permission rules and what an "always" approval adds for them (SPEC §6).</summary>
/// <remarks>
/// The server matches rules against <see cref="View"/> instead of the raw arguments, and appends the
/// rule <see cref="DeriveAlways"/> gives (or its generic derivation when that is null) after an
/// "always" answer. Rule globs (SPEC §6): whole string, <c>*</c>/<c>**</c> cross "/", and a wildcard never
/// matches a "." that starts a path segment, so <c>src/**</c> reaches neither <c>src/.env</c> nor
/// <c>src/../x</c>.
/// </remarks>
public static class ToolPermissions
{
    /// <summary>The property <see cref="View"/> adds for <c>patch</c>.</summary>
    public const string PatchDirectory = "directory";

    /// <summary>
    /// The JSON object rules are matched against: the arguments, except that for <c>patch</c> it also has
    /// <c>"directory"</c>: the workspace-relative directory holding every file the patch touches, with a
    /// trailing "/" (<c>"src/app/"</c>; <c>"./"</c> for the workspace root). A patch that does not parse, or
    /// touches a path outside the workspace, gets no directory. A <c>directory</c> the model put in the
    /// arguments itself is dropped: it must not be able to pick the directory a rule sees.
    /// </summary>
    public static RawJson View(string tool, JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (tool != "patch" || arguments.ValueKind != JsonValueKind.Object)
        {
            return RawJson.FromElement(arguments);
        }
        var directory = PatchText(arguments) is { } patch ? CommonDirectory(patch, context) : null;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var property in arguments.EnumerateObject())
            {
                if (property.Name != PatchDirectory)
                {
                    property.WriteTo(json);
                }
            }
            if (directory is not null)
            {
                json.WriteString(PatchDirectory, directory);
            }
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }

    /// <summary>The params of the rule an "always" approval of this call adds; null to let the server apply the generic SPEC §6 derivation.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>bash</c>: <c>command</c> only, derived the SPEC way (<c>git status</c> → <c>git **</c>). The
    ///   generic derivation would also pin <c>timeout</c> to its exact value, so the same command with
    ///   another timeout would ask again.</item>
    /// <item><c>read</c>: <c>filePath</c> → its directory as written, plus <c>/**</c>
    ///   (<c>src/app/a.cs</c> → <c>src/app/**</c>): "always" on a read means reading that part of the tree.
    ///   The generic derivation would pin the exact file (a path has no spaces). A file at the top
    ///   (<c>README.md</c>) gives <c>**</c>: reading anywhere in the workspace, which is safe because
    ///   <c>read</c> refuses paths outside it and wildcards never match hidden names or <c>..</c>.</item>
    /// <item><c>patch</c>: <c>directory</c> from <see cref="View"/> plus <c>**</c> (<c>src/app/**</c>), so a later
    ///   patch whose files all lie in that directory or below matches. The generic derivation works on the
    ///   <c>patch</c> text and cannot express that: every patch starts "*** Begin Patch", so it derives
    ///   <c>*** **</c>, which in this glob is wildcards around a space and matches almost any patch at all
    ///   (and a text without a space would pin the exact text, matching no other patch). For the root
    ///   (<c>./</c>) the rule is <c>./**</c>, which matches only later patches whose files span the root
    ///   too: a root-level approval deliberately does not grant the whole tree. A patch with no directory
    ///   gets a rule that matches nothing (<c>directory</c> = "", which no view has), rather than the
    ///   too-broad generic one.</item>
    /// </list>
    /// </remarks>
    public static IReadOnlyList<KeyValuePair<string, string>>? DeriveAlways(string tool, JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        switch (tool)
        {
            case "bash" when arguments.TryGetProperty("command", out var command):
                return [new("command", SpecDerivation(StringForm(command)))];
            case "read" when arguments.TryGetProperty("filePath", out var filePath):
                var path = StringForm(filePath);
                var slash = path.LastIndexOf('/');
                return [new("filePath", slash < 0 ? "**" : path[..(slash + 1)] + "**")];
            case "patch":
                var directory = PatchText(arguments) is { } patch ? CommonDirectory(patch, context) : null;
                return [new(PatchDirectory, directory is null ? "" : directory + "**")];
            default:
                return null;
        }
    }

    /// <summary>SPEC §6: a value with a space after its first character becomes <c>&lt;first word&gt; **</c>, anything else stays exact.</summary>
    private static string SpecDerivation(string value)
    {
        var space = value.Length > 1 ? value.IndexOf(' ', 1) : -1;
        return space > 0 ? value[..space] + " **" : value;
    }

    /// <summary>A string's text, any other JSON value's minified text: the "string form" of SPEC §6.</summary>
    private static string StringForm(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : RawJson.FromElement(value).ToString();

    private static string? PatchText(JsonElement arguments) =>
        arguments.TryGetProperty("patch", out var patch) && patch.ValueKind == JsonValueKind.String ? patch.GetString() : null;

    /// <summary>The deepest workspace-relative directory containing every file the patch touches, with a trailing "/"; null when there is none.</summary>
    private static string? CommonDirectory(string patch, ToolContext context)
    {
        if (!PatchParser.TryParse(patch, out var operations, out _))
        {
            return null;
        }
        string[]? common = null;
        foreach (var operation in operations)
        {
            if (!WorkspacePaths.TryResolve(context, operation.Path, out var fullPath, out _))
            {
                return null;
            }
            var relative = WorkspacePaths.ToRelative(context, fullPath);
            if (relative == ".")
            {
                return null; // the workspace root itself is not a file a patch can touch
            }
            var parent = relative.Split('/')[..^1];
            common = common is null ? parent : parent.Take(CommonPrefixLength(common, parent)).ToArray();
        }
        return common is null || common.Length == 0 ? "./" : string.Join('/', common) + "/";
    }

    private static int CommonPrefixLength(string[] left, string[] right)
    {
        var length = 0;
        while (length < left.Length && length < right.Length && left[length] == right[length])
        {
            length++;
        }
        return length;
    }
}
