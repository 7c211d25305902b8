namespace Gateway.MockUpstream;

/// <summary>What a request asks the mock for.</summary>
public enum MockRoute
{
    NotFound,
    Models,
    Health,
    Chat,
    Messages,
    Responses,
    BadRequest,
}
