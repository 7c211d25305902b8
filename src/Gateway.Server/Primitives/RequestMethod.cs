namespace Gateway.Server.Primitives;

/// <summary>The request methods of RFC 9110 §9; any other valid token is <see cref="Unknown"/>.</summary>
internal enum RequestMethod : byte
{
    Unknown,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Patch,
    Options,
    Trace,
    Connect,
}

/// <summary>The methods' tokens, for logs and spans.</summary>
internal static class RequestMethodNames
{
    /// <summary>The method's token; <c>_OTHER</c> for one not recognised (OpenTelemetry's http.request.method convention).</summary>
    public static string Of(RequestMethod method) => method switch
    {
        RequestMethod.Get => "GET",
        RequestMethod.Head => "HEAD",
        RequestMethod.Post => "POST",
        RequestMethod.Put => "PUT",
        RequestMethod.Delete => "DELETE",
        RequestMethod.Patch => "PATCH",
        RequestMethod.Options => "OPTIONS",
        RequestMethod.Trace => "TRACE",
        RequestMethod.Connect => "CONNECT",
        _ => "_OTHER",
    };
}
