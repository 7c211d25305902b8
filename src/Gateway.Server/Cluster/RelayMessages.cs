using System.Buffers;
using System.Text.Json;

namespace Gateway.Server.Cluster;

/// <summary>
/// The JSON published between instances for a forwarded relay: the request on the owner's channel, naming the channel
/// its reply goes to and the id that pairs them, and the reply. The owner's channel also carries the notice that a
/// reader on another instance took one of its sessions over (SPEC §9: one live reader).
/// </summary>
internal static class RelayMessages
{
    private const string ReaderAttachedName = "readerAttached";

    /// <summary>A relay answer for the owner of <paramref name="sessionId"/>; <paramref name="response"/> is the client's JSON, unchanged.</summary>
    public static byte[] Request(string id, string replyTo, string sessionId, string relayId, string response) => Write(writer =>
    {
        writer.WriteString("id", id);
        writer.WriteString("replyTo", replyTo);
        writer.WriteString("sessionId", sessionId);
        writer.WriteString("relayId", relayId);
        writer.WritePropertyName("response");
        writer.WriteRawValue(response, skipInputValidation: true);
    });

    public static byte[] Reply(string id, RelayReply reply) => Write(writer =>
    {
        writer.WriteString("id", id);
        writer.WriteNumber("outcome", (int)reply.Outcome);
        if (reply.Error is { } error)
        {
            writer.WriteString("error", error);
        }
    });

    /// <summary>For the owner of <paramref name="sessionId"/>: a reader elsewhere follows it now, so its reader here ends.</summary>
    public static byte[] ReaderAttached(string sessionId) => Write(writer => writer.WriteString(ReaderAttachedName, sessionId));

    /// <summary>The session a reader-attached notice names, or null when the message is a relay request.</summary>
    public static string? ReaderAttachedTo(JsonElement root) =>
        root.TryGetProperty(ReaderAttachedName, out var sessionId) ? sessionId.GetString() : null;

    /// <summary>A request's fields; its <c>response</c> is read where the session runs, as a local answer is.</summary>
    public static (string Id, string ReplyTo, string SessionId, string RelayId, JsonElement Response) ReadRequest(JsonElement root) =>
        (Text(root, "id"), Text(root, "replyTo"), Text(root, "sessionId"), Text(root, "relayId"), root.GetProperty("response"));

    public static (string Id, RelayReply Reply) ReadReply(JsonElement root)
    {
        var outcome = (RelayOutcome)root.GetProperty("outcome").GetByte();
        var error = root.TryGetProperty("error", out var message) ? message.GetString() : null;
        return (Text(root, "id"), new RelayReply(outcome, error));
    }

    private static string Text(JsonElement root, string name) =>
        root.GetProperty(name).GetString() ?? throw new JsonException($"'{name}' is not a string");

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
