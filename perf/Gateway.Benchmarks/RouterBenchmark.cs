using BenchmarkDotNet.Attributes;
using Gateway.Benchmarks.Mocks;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Benchmarks;

/// <summary>Router.Match for each outcome a request can get: found, found with a parameter, 404 and 405.</summary>
/// <remarks>
/// Routes are tried in mapping order, so a path's cost grows with the routes mapped before it; the
/// 404 walks all of them. Methods return the status as an int because the benchmark class must be
/// public for BenchmarkDotNet, and <see cref="RouteMatch"/> is internal.
/// </remarks>
[MemoryDiagnoser]
public class RouterBenchmark
{
    private Router _router = null!;

    [GlobalSetup]
    public void Setup()
    {
        // GatewayHost's table (/health, /models) plus the /chat routes it is about to gain.
        var endpoint = new NoOpEndpoint();
        _router = new Router()
            .Map(RequestMethod.Get, "/health", endpoint)
            .Map(RequestMethod.Get, "/models", endpoint)
            .Map(RequestMethod.Post, "/chat", endpoint)
            .Map(RequestMethod.Get, "/chat/relay/:id", endpoint);

        Verify(Health(), RouteMatchStatus.Found);
        Verify(Models(), RouteMatchStatus.Found);
        Verify(ChatPost(), RouteMatchStatus.Found);
        Verify(ChatRelay(), RouteMatchStatus.Found);
        Verify(NotFound(), RouteMatchStatus.NotFound);
        Verify(MethodNotAllowed(), RouteMatchStatus.MethodNotAllowed);
    }

    [Benchmark]
    public int Health() => (int)_router.Match(RequestMethod.Get, "/health"u8).Status;

    [Benchmark]
    public int Models() => (int)_router.Match(RequestMethod.Get, "/models"u8).Status;

    [Benchmark]
    public int ChatPost() => (int)_router.Match(RequestMethod.Post, "/chat"u8).Status;

    [Benchmark]
    public int ChatRelay() => (int)_router.Match(RequestMethod.Get, "/chat/relay/3f2b8c1e-9d4a-4e6f-b7a2-5c8d0e1f2a3b"u8).Status;

    [Benchmark]
    public int NotFound() => (int)_router.Match(RequestMethod.Get, "/v1/completions"u8).Status;

    [Benchmark]
    public int MethodNotAllowed() => (int)_router.Match(RequestMethod.Delete, "/models"u8).Status;

    private static void Verify(int status, RouteMatchStatus expected)
    {
        if (status != (int)expected)
        {
            throw new InvalidOperationException($"Matched {(RouteMatchStatus)status}; expected {expected}.");
        }
    }
}
