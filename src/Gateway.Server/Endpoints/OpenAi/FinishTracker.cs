using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>The turn's finish reason: the provider's when it said one, else <c>tool_calls</c> after a call and <c>stop</c> otherwise.</summary>
internal sealed class FinishTracker
{
    private FinishReason? _stated;
    private bool _calledTools;

    public FinishReason Reason => _stated ?? (_calledTools ? FinishReason.ToolCalls : FinishReason.Stop);

    public void Finished(FinishReason reason) => _stated = reason;

    public void ToolCalled() => _calledTools = true;
}
