namespace Gateway.Server.Http;

internal sealed partial class HttpConnection
{
    private bool _requestInFlight;
    private long _requestStartedAt;
    private int _status;

    /// <summary>A request's time runs from its first byte.</summary>
    private void StartRequestClock()
    {
        _requestInFlight = true;
        _requestStartedAt = _metrics.Timestamp();
    }

    /// <summary>Counts the request once its response is written, before the flush that lets the client see it.</summary>
    private void RecordRequest()
    {
        if (!_requestInFlight || !_responseStarted)
        {
            return;
        }
        _requestInFlight = false;
        _metrics.RequestEnded(_route.RouteIndex, _method, _status, _requestStartedAt);
    }
}
