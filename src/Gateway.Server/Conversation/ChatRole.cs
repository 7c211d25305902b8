namespace Gateway.Server.Conversation;

internal enum ChatRole : byte
{
    System,
    User,
    Assistant,
    Tool,
}
