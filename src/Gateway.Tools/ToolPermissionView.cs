using System.Text.Json;

namespace Gateway.Tools;

/// <summary>The JSON object permission rules see for one call of a tool instead of its arguments (SPEC §6).</summary>
/// <remarks>
/// A view adds what the arguments cannot say by themselves, such as the directory a patch touches; it must
/// drop a property of that name the model supplied, so a model cannot pick what a rule sees.
/// </remarks>
public delegate RawJson ToolPermissionView(JsonElement arguments, ToolContext context);
