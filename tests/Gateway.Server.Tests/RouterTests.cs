using System.Text;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Server.Tests;

public class RouterTests
{
    private readonly StubEndpoint _root = new("root");
    private readonly StubEndpoint _health = new("health");
    private readonly StubEndpoint _getModel = new("get model");
    private readonly StubEndpoint _deleteModel = new("delete model");
    private readonly StubEndpoint _chat = new("chat");
    private readonly StubEndpoint _post = new("post");
    private readonly Router _router;

    public RouterTests() => _router = new Router()
        .Map(RequestMethod.Get, "/", _root)
        .Map(RequestMethod.Get, "/health", _health)
        .Map(RequestMethod.Get, "/v1/models/:id", _getModel)
        .Map(RequestMethod.Delete, "/v1/models/:id", _deleteModel)
        .Map(RequestMethod.Post, "/chat", _chat)
        .Map(RequestMethod.Get, "/users/:user/posts/:post", _post);

    [Fact]
    public void MatchFindsLiteralRoute()
    {
        var match = Match(RequestMethod.Get, "/health");
        Assert.Equal(RouteMatchStatus.Found, match.Status);
        Assert.Same(_health, match.Endpoint);
        Assert.Equal(0, match.Values.Count);
        Assert.Null(match.AllowHeader);
    }

    [Fact]
    public void MatchFindsRootTemplateOnlyForSlash()
    {
        Assert.Same(_root, Match(RequestMethod.Get, "/").Endpoint);
        Assert.Equal(RouteMatchStatus.NotFound, Match(RequestMethod.Get, "//").Status);
    }

    [Fact]
    public void MatchCapturesParameterAsRangeOfThePath()
    {
        var path = Encoding.ASCII.GetBytes("/v1/models/gpt-4o");
        var match = _router.Match(RequestMethod.Get, path);
        Assert.Same(_getModel, match.Endpoint);
        Assert.Equal(1, match.Values.Count);
        Assert.Equal(new Range(11, 17), match.Values[0]);
        Assert.Equal("gpt-4o", PercentDecoding.DecodeToString(path.AsSpan()[match.Values[0]]));
    }

    [Fact]
    public void MatchCapturesEveryParameterInOrder()
    {
        var path = Encoding.ASCII.GetBytes("/users/caf%C3%A9%20au%20lait/posts/42");
        var match = _router.Match(RequestMethod.Get, path);
        Assert.Same(_post, match.Endpoint);
        Assert.Equal(2, match.Values.Count);
        Assert.Equal("caf\u00e9 au lait", PercentDecoding.DecodeToString(path.AsSpan()[match.Values[0]]));
        Assert.Equal("42", PercentDecoding.DecodeToString(path.AsSpan()[match.Values[1]]));
    }

    [Theory]
    [InlineData("/he%61lth")]
    [InlineData("/%68%65%61%6C%74%68")]
    [InlineData("/%68%65%61%6c%74%68")]
    public void PercentEncodedLiteralSegmentMatchesItsDecodedForm(string path) =>
        Assert.Same(_health, Match(RequestMethod.Get, path).Endpoint);

    [Fact]
    public void EncodedSlashInsideParameterStaysInOneSegment()
    {
        var path = Encoding.ASCII.GetBytes("/v1/models/org%2Fmodel");
        var match = _router.Match(RequestMethod.Get, path);
        Assert.Same(_getModel, match.Endpoint);
        Assert.Equal(1, match.Values.Count);
        Assert.Equal("org%2Fmodel", Encoding.ASCII.GetString(path.AsSpan()[match.Values[0]]));
        Assert.Equal("org/model", PercentDecoding.DecodeToString(path.AsSpan()[match.Values[0]]));
    }

    [Theory]
    [InlineData("/health/")]
    [InlineData("/health/extra")]
    [InlineData("/healthz")]
    [InlineData("/HEALTH")]
    [InlineData("/v1/models")]
    [InlineData("/v1/models/")]
    [InlineData("/v1/models//")]
    [InlineData("/v1/models/a/")]
    [InlineData("/v1/models/a/b")]
    [InlineData("/v1%2Fmodels/a")]
    [InlineData("/users//posts/1")]
    [InlineData("/users/u/posts/")]
    [InlineData("/unknown")]
    [InlineData("health")]
    [InlineData("")]
    public void MatchReportsNotFoundForPathsNoTemplateMatches(string path)
    {
        var match = Match(RequestMethod.Get, path);
        Assert.Equal(RouteMatchStatus.NotFound, match.Status);
        Assert.Null(match.Endpoint);
        Assert.Null(match.AllowHeader);
    }

    [Theory]
    [InlineData(nameof(RequestMethod.Post), "/health", "GET, HEAD")]
    [InlineData(nameof(RequestMethod.Delete), "/health", "GET, HEAD")]
    [InlineData(nameof(RequestMethod.Get), "/chat", "POST")]
    [InlineData(nameof(RequestMethod.Head), "/chat", "POST")]
    [InlineData(nameof(RequestMethod.Put), "/v1/models/x", "GET, HEAD, DELETE")]
    [InlineData(nameof(RequestMethod.Unknown), "/v1/models/x", "GET, HEAD, DELETE")]
    public void MatchReportsMethodNotAllowedWithTheAllowHeaderLine(string method, string path, string allow)
    {
        var match = Match(Enum.Parse<RequestMethod>(method), path);
        Assert.Equal(RouteMatchStatus.MethodNotAllowed, match.Status);
        Assert.Null(match.Endpoint);
        Assert.Equal($"Allow: {allow}\r\n", Encoding.ASCII.GetString(match.AllowHeader!));
    }

    [Fact]
    public void HeadIsServedByTheGetEndpoint()
    {
        Assert.Same(_health, Match(RequestMethod.Head, "/health").Endpoint);
        Assert.Same(_getModel, Match(RequestMethod.Head, "/v1/models/x").Endpoint);
    }

    [Fact]
    public void OneTemplateServesEachMappedMethod() =>
        Assert.Same(_deleteModel, Match(RequestMethod.Delete, "/v1/models/x").Endpoint);

    [Fact]
    public void MatchReportsWhetherTheRouteIsAnonymous()
    {
        var router = new Router()
            .Map(RequestMethod.Get, "/health", _health, anonymous: true)
            .Map(RequestMethod.Post, "/chat", _chat);
        Assert.True(router.Match(RequestMethod.Get, "/health"u8).IsAnonymous);
        Assert.True(router.Match(RequestMethod.Post, "/health"u8).IsAnonymous);
        Assert.False(router.Match(RequestMethod.Post, "/chat"u8).IsAnonymous);
        Assert.False(router.Match(RequestMethod.Get, "/nowhere"u8).IsAnonymous);
    }

    [Fact]
    public void MapRefusesTheSameMethodAndTemplateTwice() =>
        Assert.Throws<InvalidOperationException>(() => _router.Map(RequestMethod.Get, "/health", _health));

    [Theory]
    [InlineData("health")]
    [InlineData("")]
    [InlineData("/:a/:b/:c/:d/:e")]
    public void MapRefusesAnInvalidTemplate(string template) =>
        Assert.Throws<ArgumentException>(() => new Router().Map(RequestMethod.Get, template, _health));

    [Theory]
    [InlineData("/v1/messages", "inner")]
    [InlineData("/v1/messages/count_tokens", "inner")]
    [InlineData("/v1/messagesx", "outer")]
    [InlineData("/v1/chat/completions", "outer")]
    [InlineData("/chat", null)]
    public void TheInnermostRouteGroupGivesTheRefusalShapeWhicheverWasMappedFirst(string path, string? expected)
    {
        foreach (var router in new[]
        {
            new Router().MapRefusalShape("/v1", NamedShape.Outer).MapRefusalShape("/v1/messages", NamedShape.Inner),
            new Router().MapRefusalShape("/v1/messages", NamedShape.Inner).MapRefusalShape("/v1", NamedShape.Outer),
        })
        {
            Assert.Equal(expected, (router.RefusalShapeFor(Encoding.ASCII.GetBytes(path)) as NamedShape)?.Name);
        }
    }

    private RouteMatch Match(RequestMethod method, string path) => _router.Match(method, Encoding.ASCII.GetBytes(path));

    private sealed class NamedShape(string name) : IRefusalShape
    {
        public static NamedShape Outer { get; } = new("outer");

        public static NamedShape Inner { get; } = new("inner");

        public string Name => name;

        public ReadOnlySpan<byte> Unauthorized => [];

        public ReadOnlySpan<byte> NotFound => [];

        public ReadOnlySpan<byte> MethodNotAllowed => [];

        public ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody) => specBody;
    }
}
