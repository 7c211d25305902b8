using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>A front door's request for one model turn, parsed and resolved: who answers it, the turn, and whether it streams.</summary>
internal interface ITurnRequest
{
    IModelProvider Provider { get; }

    /// <summary>The turn for <see cref="Provider"/>, in its own model id.</summary>
    ModelTurnRequest Turn { get; }

    bool Stream { get; }
}
