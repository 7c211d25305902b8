using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>The turn's finish reason: the provider's when it said one, else a tool-calls finish after a call and a plain stop otherwise.</summary>
internal sealed class FinishTracker
{
    private FinishReason? _stated;
    private bool _calledTools;

    public FinishReason Reason => _stated ?? (_calledTools ? FinishReason.ToolCalls : FinishReason.Stop);

    public void Finished(FinishReason reason) => _stated = reason;

    public void ToolCalled() => _calledTools = true;
}
