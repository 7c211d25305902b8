using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>
/// A table of well-formed, malformed and smuggling-shaped requests (request line, Host, Content-Length,
/// Transfer-Encoding, chunked framing, Expect, encodings), each with the status RFC 9110/9112 call for and whether
/// the connection may carry another request after it: when it stays open, a probe request on it must be answered.
/// </summary>
public sealed class RequestCorpusTests : IAsyncLifetime
{
    private const string Probe = "GET /items/probe HTTP/1.1\r\nHost: x\r\n\r\n";

    private readonly TestServer _server = TestServer.StartEcho();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, int, bool> Corpus => new()
    {
        // Request line (RFC 9112 §2.2, §3; RFC 9110 §9.1).
        { "line-plain", "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "line-leading-empty-lines", "\r\n\r\nGET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "line-method-lowercase", "get /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 501, true },
        { "line-method-unknown", "BREW /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 501, true },
        { "line-method-unknown-with-body", "BREW /items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 501, true },
        { "line-method-not-token", "GE(T /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-method-not-allowed", "DELETE /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 405, true },
        { "line-connect", "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 501, true },
        { "line-double-space", "GET  /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-tab-separator", "GET\t/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-trailing-space", "GET /items/1 HTTP/1.1 \r\nHost: x\r\n\r\n", 400, false },
        { "line-no-version", "GET /items/1\r\nHost: x\r\n\r\n", 400, false },
        { "line-version-lowercase", "GET /items/1 http/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-version-no-dot", "GET /items/1 HTTP/11\r\nHost: x\r\n\r\n", 400, false },
        { "line-version-2", "GET /items/1 HTTP/2.0\r\nHost: x\r\n\r\n", 505, false },
        { "line-bare-lf", "GET /items/1 HTTP/1.1\nHost: x\r\n\r\n", 400, false },
        { "line-bare-cr", "GET /items/1\r HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-leading-space", " GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-nul-method", "G\0T /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "line-too-long", "GET /" + new string('a', 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, false },

        // Request target (RFC 9112 §3.2; RFC 3986 §2.1, §3.3).
        { "target-percent-decoded", "GET /items/a%20b HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "target-percent-utf8", "GET /items/%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "target-percent-invalid", "GET /items/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-percent-truncated", "GET /items/a% HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-percent-nul", "GET /items/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-percent-nul-inside", "GET /items/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-raw-non-ascii", "GET /items/\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-raw-quote", "GET /items/\"1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-fragment", "GET /items/1#f HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-query", "GET /items/1?a=b&c=%41 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "target-absolute", "GET http://x/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "target-absolute-other-host", "GET http://example.com:8080/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
        { "target-absolute-userinfo", "GET http://u@x/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-absolute-bad-port", "GET http://x:abc/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-absolute-other-scheme", "GET ftp://x/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-asterisk-get", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },
        { "target-asterisk-options", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404, true },
        { "target-authority-get", "GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false },

        // Header fields (RFC 9110 §5.5; RFC 9112 §5).
        { "field-empty-value", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Empty:\r\n\r\n", 200, true },
        { "field-obs-text", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Latin: caf\u00e9\r\n\r\n", 200, true },
        { "field-space-before-colon", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n", 400, false },
        { "field-obs-fold", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400, false },
        { "field-leading-space-first", "GET /items/1 HTTP/1.1\r\n Host: x\r\n\r\n", 400, false },
        { "field-empty-name", "GET /items/1 HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", 400, false },
        { "field-name-not-token", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX(A): v\r\n\r\n", 400, false },
        { "field-no-colon", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n", 400, false },
        { "field-value-nul", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400, false },
        { "field-value-cr", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400, false },
        { "field-value-del", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: a\u007fb\r\n\r\n", 400, false },
        { "field-value-trailing-whitespace", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: 1 \t\r\n\r\n", 200, true },
        { "field-name-non-ascii", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-\u00c4: 1\r\n\r\n", 400, false },
        { "field-te-trailers", "GET /items/1 HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n", 200, true },
        { "field-bare-lf", "GET /items/1 HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n", 400, false },
        { "field-section-too-large", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-A: " + new string('a', 33000) + "\r\n\r\n", 431, false },

        // Host (RFC 9112 §3.2; RFC 3986 §3.2.2, §3.2.3).
        { "host-missing", "GET /items/1 HTTP/1.1\r\n\r\n", 400, false },
        { "host-missing-http10", "GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, true },
        { "host-twice", "GET /items/1 HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n", 400, false },
        { "host-empty", "GET /items/1 HTTP/1.1\r\nHost:\r\n\r\n", 200, true },
        { "host-port", "GET /items/1 HTTP/1.1\r\nHost: localhost:4000\r\n\r\n", 200, true },
        { "host-empty-port", "GET /items/1 HTTP/1.1\r\nHost: localhost:\r\n\r\n", 200, true },
        { "host-ipv4", "GET /items/1 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n", 200, true },
        { "host-reg-name-underscore-dot", "GET /items/1 HTTP/1.1\r\nHost: my_host.example.\r\n\r\n", 200, true },
        { "host-long-port", "GET /items/1 HTTP/1.1\r\nHost: x:123456\r\n\r\n", 200, true },
        { "host-ipv6", "GET /items/1 HTTP/1.1\r\nHost: [::1]\r\n\r\n", 200, true },
        { "host-ipv6-port", "GET /items/1 HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n", 200, true },
        { "host-ipv6-embedded-ipv4", "GET /items/1 HTTP/1.1\r\nHost: [::ffff:127.0.0.1]\r\n\r\n", 200, true },
        { "host-ipvfuture", "GET /items/1 HTTP/1.1\r\nHost: [v1.fe:x]\r\n\r\n", 200, true },
        { "host-percent-encoded", "GET /items/1 HTTP/1.1\r\nHost: ex%41mple\r\n\r\n", 200, true },
        { "host-port-not-digits", "GET /items/1 HTTP/1.1\r\nHost: localhost:abc\r\n\r\n", 400, false },
        { "host-two-ports", "GET /items/1 HTTP/1.1\r\nHost: x:80:80\r\n\r\n", 400, false },
        { "host-ipv6-unbracketed", "GET /items/1 HTTP/1.1\r\nHost: ::1\r\n\r\n", 400, false },
        { "host-ipv6-unclosed", "GET /items/1 HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, false },
        { "host-ipv6-after-bracket", "GET /items/1 HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400, false },
        { "host-ipv6-invalid", "GET /items/1 HTTP/1.1\r\nHost: [1::2::3]\r\n\r\n", 400, false },
        { "host-ipv4-bracketed", "GET /items/1 HTTP/1.1\r\nHost: [127.0.0.1]\r\n\r\n", 400, false },
        { "host-ipv6-zone", "GET /items/1 HTTP/1.1\r\nHost: [fe80::1%eth0]\r\n\r\n", 400, false },
        { "host-stray-bracket", "GET /items/1 HTTP/1.1\r\nHost: a]b\r\n\r\n", 400, false },
        { "host-userinfo", "GET /items/1 HTTP/1.1\r\nHost: u@x\r\n\r\n", 400, false },
        { "host-path", "GET /items/1 HTTP/1.1\r\nHost: x/y\r\n\r\n", 400, false },
        { "host-space", "GET /items/1 HTTP/1.1\r\nHost: a b\r\n\r\n", 400, false },
        { "host-percent-invalid", "GET /items/1 HTTP/1.1\r\nHost: x%zz\r\n\r\n", 400, false },

        // Content-Length (RFC 9110 §8.6; RFC 9112 §6.3).
        { "length-body", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "length-zero", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 200, true },
        { "length-leading-zeros", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 005\r\n\r\nhello", 200, true },
        { "length-repeated-equal", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "length-repeated-differ", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, false },
        { "length-list", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", 400, false },
        { "length-plus", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400, false },
        { "length-negative", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, false },
        { "length-hex", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello", 400, false },
        { "length-empty", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", 400, false },
        { "length-inner-space", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1 0\r\n\r\n", 400, false },
        { "length-overflow", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, false },
        { "length-over-limit", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000000\r\n\r\n", 413, false },
        { "length-over-limit-expect-continue", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 999999999999999999\r\n\r\n", 413, false },
        { "length-on-get", "GET /items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 200, true },

        // Transfer-Encoding (RFC 9112 §6.1, §6.3).
        { "coding-chunked", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, true },
        { "coding-chunked-case", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ChUnKeD\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, true },
        { "coding-chunked-ows", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  chunked \r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, true },
        { "coding-chunked-on-get", "GET /items/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, true },
        { "coding-empty-elements", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, true },
        { "coding-gzip", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, false },
        { "coding-identity", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", 400, false },
        { "coding-chunkedx", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunkedx\r\n\r\n", 400, false },
        { "coding-unknown-with-length", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo\r\nContent-Length: 5\r\n\r\nhello", 400, false },
        { "coding-chunked-with-length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400, false },
        { "coding-gzip-then-chunked", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501, false },
        { "coding-gzip-then-chunked-fields", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501, false },
        { "coding-chunked-then-gzip", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, false },
        { "coding-chunked-twice", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400, false },
        { "coding-chunked-twice-fields", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400, false },
        { "coding-parameter", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", 400, false },
        { "coding-empty", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n", 400, false },
        { "coding-vertical-tab", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \u000bchunked\r\n\r\n", 400, false },
        { "coding-http10", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400, false },
        { "coding-name-space", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 400, false },

        // Chunked framing (RFC 9112 §7.1).
        { "chunk-sizes-hex", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", 200, true },
        { "chunk-extensions", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d e\"\r\nhello\r\n0;z\r\n\r\n", 200, true },
        { "chunk-extension-bws", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a = b\r\nhello\r\n0\r\n\r\n", 200, true },
        { "chunk-extension-bare-cr", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a\rb\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-size-trailing-space", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-extension-too-long", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" + new string('a', 5000) + "\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-trailer", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", 200, true },
        { "chunk-size-leading-zeros", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n005\r\nhello\r\n000\r\n\r\n", 200, true },
        { "chunk-size-not-hex", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, false },
        { "chunk-size-0x", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-size-negative", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-size-leading-space", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-size-empty", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-size-overflow", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-data-too-long", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-data-no-crlf", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n", 400, false },
        { "chunk-size-bare-lf", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-data-bare-lf", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400, false },
        { "chunk-extension-control", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a\0\r\nhello\r\n0\r\n\r\n", 400, false },
        { "chunk-trailer-invalid", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nno colon\r\n\r\n", 400, false },

        // Expect (RFC 9110 §10.1.1) and Connection (RFC 9112 §9.3).
        { "expect-continue", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "expect-continue-http10", "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "expect-unknown", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "connection-close", "GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200, false },
        { "connection-close-in-list", "GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close\r\n\r\n", 200, false },
        { "connection-http10", "GET /items/1 HTTP/1.0\r\n\r\n", 200, false },
        { "connection-http10-keep-alive", "GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, true },
        { "method-head", "HEAD /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, true },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task RequestGetsItsStatusAndTheConnectionItsFate(string name, string request, int status, bool staysOpen)
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync(request);

        var response = await connection.ReadResponseAsync(headRequest: request.StartsWith("HEAD ", StringComparison.Ordinal));
        if (response.StatusCode == 100)
        {
            response = await connection.ReadResponseAsync();
        }
        Assert.True(status == response.StatusCode, $"{name}: expected {status}, got {response.StatusLine} {response.Body}");
        if (staysOpen)
        {
            await connection.SendAsync(Probe);
            Assert.Equal("probe", (await connection.ReadResponseAsync()).Body);
        }
        else
        {
            Assert.True(await connection.IsClosedByServerAsync(), $"{name}: the connection stayed open");
        }
    }

    /// <summary>Body bytes a front end that trusted Content-Length over Transfer-Encoding would forward are never read as a request.</summary>
    [Fact]
    public async Task SmuggledRequestBehindContentLengthAndChunkedIsNeverServed()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /items/smuggled HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(400, (await connection.ReadResponseAsync()).StatusCode);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    /// <summary>A body shorter than what follows it: the rest is the next request, answered in order (RFC 9112 §6.3, §9.3.2).</summary>
    [Fact]
    public async Task BytesAfterADeclaredBodyAreTheNextRequest()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi" + Probe);

        Assert.Equal("hi", (await connection.ReadResponseAsync()).Body);
        Assert.Equal("probe", (await connection.ReadResponseAsync()).Body);
    }
}
