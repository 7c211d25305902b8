using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>A validated request for one model turn: who serves it, the turn in that provider's terms, and whether its answer streams.</summary>
internal interface ITurnRequest
{
    IModelProvider Provider { get; }

    ModelTurnRequest Turn { get; }

    bool Stream { get; }
}
