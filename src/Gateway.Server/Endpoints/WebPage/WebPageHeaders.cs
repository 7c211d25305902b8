namespace Gateway.Server.Endpoints.WebPage;

/// <summary>The header lines every response of the web page carries.</summary>
internal static class WebPageHeaders
{
    /// <summary>
    /// Only the page's own files run and only the gateway is reached (no inline script or style: model text can never
    /// become code, CSP Level 3); nothing frames the page; no type sniffing (Fetch §X-Content-Type-Options); no Referer leaves.
    /// </summary>
    public const string Security =
        "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n" +
        "X-Content-Type-Options: nosniff\r\n" +
        "Referrer-Policy: no-referrer\r\n";
}
