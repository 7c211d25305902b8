namespace Gateway.LoadGen;

/// <summary>One measured step: an open loop at <see cref="Rate"/> per second, or a closed loop of <see cref="Connections"/>.</summary>
public readonly record struct LoadStep(bool Open, double Rate, int Connections)
{
    public string Describe() => Open ? $"open {Rate:0.##}/s" : $"closed {Connections} conns";
}
