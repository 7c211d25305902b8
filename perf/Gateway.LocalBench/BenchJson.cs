using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.LocalBench;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatBody))]
internal sealed partial class BenchJson : JsonSerializerContext;
