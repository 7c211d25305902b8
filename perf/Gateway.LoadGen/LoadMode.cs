namespace Gateway.LoadGen;

/// <summary>How requests are issued (perf/LAB.md).</summary>
public enum LoadMode
{
    /// <summary>N connections, each sends its next request when the previous response ended.</summary>
    Closed,

    /// <summary>Constant arrival rate; latency measured from each request's scheduled start.</summary>
    Open,

    /// <summary>Several open- or closed-loop steps, one after another.</summary>
    Sweep,
}
