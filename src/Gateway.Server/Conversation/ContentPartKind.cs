namespace Gateway.Server.Conversation;

internal enum ContentPartKind : byte
{
    Text,
    Image,
    Document,
}
