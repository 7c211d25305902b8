using Gateway.Server.Primitives;

namespace Gateway.Benchmarks.Mocks;

/// <summary>What <see cref="CountingHandler"/> saw: enough to check the parse and keep it from being optimised away.</summary>
internal sealed class ParsedHead
{
    public RequestMethod Method { get; set; }

    public int PathLength { get; set; }

    public int HeaderCount { get; set; }

    public void Reset()
    {
        Method = RequestMethod.Unknown;
        PathLength = 0;
        HeaderCount = 0;
    }
}
