namespace Gateway.Server.Endpoints.Responses;

/// <summary>A response's <c>status</c> (https://platform.openai.com/docs/api-reference/responses/object#responses/object-status).</summary>
internal enum ResponseStatus : byte
{
    InProgress,
    Completed,
    Incomplete,
    Failed,
}
