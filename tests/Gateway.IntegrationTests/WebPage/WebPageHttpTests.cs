using System.IO.Compression;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>The web page's files over plain HTTP (issue 19): codings, validators, HEAD, headers, keys, a path prefix.</summary>
public sealed class WebPageHttpTests : IAsyncLifetime
{
    private static readonly string s_sources = Path.Combine(LocalModelFiles.RepositoryRoot, "src", "Gateway.Server", "WebPage");

    private ChatTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ChatTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string?, string?> Negotiations => new()
    {
        { null, null },
        { "", null },
        { "identity", null },
        { "gzip", "gzip" },
        { "x-gzip", "gzip" },
        { "br", "br" },
        { "gzip, deflate, br, zstd", "br" },
        { "gzip;q=1.0, br;q=0.5", "gzip" },
        { "br;q=0.2, gzip;q=0.2", "br" },
        { "*", "br" },
        { "*;q=0.5, br;q=0", "gzip" },
        { "br;q=0, gzip;q=0", null },
        { "identity;q=0.9, gzip;q=0.5", null },
        { "gzip;q=2, br;q=0.x", null },
        { "GZIP ; Q=0.5", "gzip" },
    };

    [Theory]
    [MemberData(nameof(Negotiations))]
    public async Task TheAcceptedCodingIsSentAndDecodesToTheFile(string? acceptEncoding, string? expectedCoding)
    {
        foreach (var (path, file) in new[] { ("/", "index.html"), ("/ui/app.js", "app.js"), ("/ui/app.css", "app.css") })
        {
            var (headers, body) = await CurlAsync(path, acceptEncoding is null ? [] : [$"Accept-Encoding: {acceptEncoding}"]);

            Assert.Contains("HTTP/1.1 200 OK", headers, StringComparison.Ordinal);
            Assert.Contains("Vary: Accept-Encoding\r\n", headers, StringComparison.Ordinal);
            Assert.Equal(expectedCoding, HeaderOf(headers, "Content-Encoding"));
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), HeaderOf(headers, "Content-Length"));
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(s_sources, file)), Decode(body, expectedCoding));
        }
    }

    [Fact]
    public async Task EveryFileOfTheFolderIsServedWithItsType()
    {
        foreach (var file in Directory.GetFiles(s_sources).Select(Path.GetFileName))
        {
            var (headers, body) = await CurlAsync($"/ui/{file}", ["Accept-Encoding: identity"]);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(s_sources, file!)), body);
            Assert.Equal(
                Path.GetExtension(file) switch { ".html" => "text/html; charset=utf-8", ".js" => "text/javascript; charset=utf-8", _ => "text/css; charset=utf-8" },
                HeaderOf(headers, "Content-Type"));
        }
        Assert.True(Directory.GetFiles(s_sources).Sum(f => new FileInfo(f).Length) < 100_000, "the page stays small");
    }

    [Fact]
    public async Task TheCurrentTagGets304AndAnyOtherTheFile()
    {
        await using var connection = await RawConnection.ConnectAsync(_host.Host.EndPoint);
        await connection.SendAsync("GET /ui/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n");
        var first = await connection.ReadResponseAsync();
        var tag = first.Header("ETag")!;
        Assert.Matches("^\"[0-9a-f]{24}-gzip\"$", tag);

        foreach (var ifNoneMatch in new[] { tag, $"W/{tag}", $"\"other\", {tag}", "*" })
        {
            await connection.SendAsync($"GET /ui/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nIf-None-Match: {ifNoneMatch}\r\n\r\n");
            var notModified = await connection.ReadResponseAsync(headRequest: true);
            Assert.Equal(304, notModified.StatusCode);
            Assert.Equal(tag, notModified.Header("ETag"));
            Assert.Equal("no-cache", notModified.Header("Cache-Control"));
            Assert.Null(notModified.Header("Content-Length")); // RFC 9110 §8.6; a 304 has no content (RFC 9112 §6.3).
        }

        // The identity tag does not validate the gzip body, nor a tag that was never sent.
        foreach (var ifNoneMatch in new[] { tag.Replace("-gzip", "", StringComparison.Ordinal), "\"nope\"" })
        {
            await connection.SendAsync($"GET /ui/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nIf-None-Match: {ifNoneMatch}\r\n\r\n");
            var response = await connection.ReadResponseAsync();
            Assert.Equal(200, response.StatusCode);
            Assert.Equal(first.ContentLength, response.ContentLength);
        }
    }

    [Fact]
    public async Task HeadGivesTheGetHeadersWithoutTheBody()
    {
        await using var connection = await RawConnection.ConnectAsync(_host.Host.EndPoint);
        await connection.SendAsync("GET / HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br\r\n\r\n");
        var get = await connection.ReadResponseAsync();
        await connection.SendAsync("HEAD / HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br\r\n\r\n");
        var head = await connection.ReadResponseAsync(headRequest: true);
        // The next response on the connection parses: HEAD sent no body bytes.
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        var health = await connection.ReadResponseAsync();

        Assert.Equal(200, head.StatusCode);
        Assert.Equal(get.Headers.Where(h => h.Key != "Date"), head.Headers.Where(h => h.Key != "Date"));
        Assert.Equal("""{"status":"ok"}""", health.Body);
    }

    [Fact]
    public async Task ThePageSendsItsSecurityHeaders()
    {
        await using var connection = await RawConnection.ConnectAsync(_host.Host.EndPoint);
        await connection.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var page = await connection.ReadResponseAsync();

        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            page.Header("Content-Security-Policy"));
        Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));
        Assert.Equal("no-referrer", page.Header("Referrer-Policy"));
        Assert.Equal("no-cache", page.Header("Cache-Control"));
        // Nothing inline for the CSP to refuse: the page's only script and style are its files.
        Assert.DoesNotContain("<style", page.Body, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page.Body, "<script"));
        Assert.Contains("""<script type="module" src="ui/app.js"></script>""", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithKeysThePageLoadsWithoutOneWhileTheApiRefuses()
    {
        await using var host = await ChatTestHost.StartAsync(apiKeys: ["k1"], agents: new() { RelayTimeout = TimeSpan.FromSeconds(42) });
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);
        foreach (var path in new[] { "/", "/ui/app.js", "/ui/config.json" })
        {
            await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        }
        await connection.SendAsync("GET /ui/config.json HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("""{"relayTimeoutSeconds":42,"pingIntervalSeconds":15,"keysRequired":true,"maxBodyBytes":4194304}""", (await connection.ReadResponseAsync()).Body);

        await connection.SendAsync("GET /models HTTP/1.1\r\nHost: t\r\n\r\n");
        var models = await connection.ReadResponseAsync();
        Assert.Equal((401, """{"error":"Unauthorized"}"""), (models.StatusCode, models.Body));
        await connection.SendAsync("GET /models HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k1\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task UnknownFilesAndOtherMethodsAreRefusedInJson()
    {
        await using var connection = await RawConnection.ConnectAsync(_host.Host.EndPoint);
        await connection.SendAsync("GET /ui/secret.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        var missing = await connection.ReadResponseAsync();
        Assert.Equal((404, """{"error":"Not Found"}"""), (missing.StatusCode, missing.Body));
        await connection.SendAsync("GET /ui/..%2Fappsettings.json HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(404, (await connection.ReadResponseAsync()).StatusCode);
        await connection.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        var post = await connection.ReadResponseAsync();
        Assert.Equal((405, "GET, HEAD"), (post.StatusCode, post.Header("Allow")));
    }

    [Fact]
    public async Task BehindAPathPrefixThePageAndItsFilesAreServed()
    {
        await using var proxy = new PrefixProxy(_host.Host.EndPoint, "/gw");
        var root = proxy.Root.ToString().TrimEnd('/');
        var (redirect, _) = await CurlAsync(root, []);
        Assert.Contains("301 Moved Permanently", redirect, StringComparison.Ordinal);
        Assert.Equal("/gw/", HeaderOf(redirect, "Location"));

        foreach (var (path, file) in new[] { ("/", "index.html"), ("/ui/app.js", "app.js"), ("/ui/api.js", "api.js") })
        {
            var (_, body) = await CurlAsync(root + path, ["Accept-Encoding: identity"]);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(s_sources, file)), body);
        }
    }

    /// <summary>curl's bytes as received (no decoding), for a path on the host or a whole URL.</summary>
    private async Task<(string Headers, byte[] Body)> CurlAsync(string pathOrUrl, string[] headers)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : $"http://{_host.Host.EndPoint}{pathOrUrl}";
        var bodyFile = Path.GetTempFileName();
        try
        {
            // Without -H curl sends no Accept-Encoding at all; an explicit empty value is sent as "Accept-Encoding;".
            string[] headerArguments = [.. headers.SelectMany(h => new[] { "-H", h.EndsWith(": ", StringComparison.Ordinal) ? h[..^2] + ";" : h })];
            var (exit, output) = await ClientProcess.RunAsync("curl", ["-sS", "--max-time", "10", "-D", "-", "-o", bodyFile, .. headerArguments, url]);
            Assert.True(exit == 0, output);
            return (output, await File.ReadAllBytesAsync(bodyFile));
        }
        finally
        {
            File.Delete(bodyFile);
        }
    }

    private static string? HeaderOf(string headers, string name) =>
        headers.Split("\r\n").FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    private static byte[] Decode(byte[] body, string? coding)
    {
        using Stream decoder = coding switch
        {
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => new MemoryStream(body),
        };
        var decoded = new MemoryStream();
        decoder.CopyTo(decoded);
        return decoded.ToArray();
    }
}
