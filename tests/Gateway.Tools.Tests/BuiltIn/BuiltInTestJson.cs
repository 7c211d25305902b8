using System.Text.Json.Serialization;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>Source-generated JSON for the tests' own string escaping (no reflection-based serializer, as in the product).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class BuiltInTestJson : JsonSerializerContext;
