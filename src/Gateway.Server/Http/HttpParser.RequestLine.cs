using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

internal static partial class HttpParser
{
    /// <summary>request-line = method SP request-target SP HTTP-version (RFC 9112 §3), CR still attached.</summary>
    private static void ParseRequestLine<THandler>(ReadOnlySpan<byte> line, ref THandler handler)
        where THandler : struct, IHttpRequestLineHandler
    {
        line = WithoutCarriageReturn(line);

        var methodEnd = line.IndexOf(ByteSpace);
        if (methodEnd <= 0)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidRequestLine);
        }
        var method = ParseMethod(line[..methodEnd]);

        var rest = line[(methodEnd + 1)..];
        var targetEnd = rest.IndexOf(ByteSpace);
        if (targetEnd <= 0)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidRequestLine);
        }
        var version = ParseVersion(rest[(targetEnd + 1)..]);
        var target = rest[..targetEnd];

        var form = ClassifyTarget(method, target, out var path, out var query);
        handler.OnStartLine(method, version, form, path, query);
    }

    /// <summary>Known methods by length, then by bytes (STYLE §11); any other token is Unknown.</summary>
    internal static RequestMethod ParseMethod(ReadOnlySpan<byte> token)
    {
        var method = token.Length switch
        {
            3 when token.SequenceEqual("GET"u8) => RequestMethod.Get,
            3 when token.SequenceEqual("PUT"u8) => RequestMethod.Put,
            4 when token.SequenceEqual("POST"u8) => RequestMethod.Post,
            4 when token.SequenceEqual("HEAD"u8) => RequestMethod.Head,
            5 when token.SequenceEqual("PATCH"u8) => RequestMethod.Patch,
            5 when token.SequenceEqual("TRACE"u8) => RequestMethod.Trace,
            6 when token.SequenceEqual("DELETE"u8) => RequestMethod.Delete,
            7 when token.SequenceEqual("OPTIONS"u8) => RequestMethod.Options,
            7 when token.SequenceEqual("CONNECT"u8) => RequestMethod.Connect,
            _ => RequestMethod.Unknown,
        };
        if (method == RequestMethod.Unknown && !HttpCharacters.IsToken(token))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidMethod);
        }
        return method;
    }

    /// <summary>HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); a well-formed but other version is 505.</summary>
    private static HttpVersion ParseVersion(ReadOnlySpan<byte> version)
    {
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            return HttpVersion.Http11;
        }
        if (version.SequenceEqual("HTTP/1.0"u8))
        {
            return HttpVersion.Http10;
        }
        if (version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5])
            && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]))
        {
            RequestRejection.Throw(RequestRejectionReason.UnsupportedVersion);
        }
        RequestRejection.Throw(RequestRejectionReason.InvalidVersion);
        return default;
    }

    /// <summary>
    /// Which of the forms of RFC 9112 §3.2 the target takes, and its path. Origin-form is what servers
    /// get; absolute-form MUST be accepted (§3.2.2); asterisk-form is only for OPTIONS (§3.2.4) and
    /// authority-form only for CONNECT (§3.2.3).
    /// </summary>
    private static TargetForm ClassifyTarget(RequestMethod method, ReadOnlySpan<byte> target, out ReadOnlySpan<byte> path, out ReadOnlySpan<byte> query)
    {
        query = default;
        if (target[0] == (byte)'/')
        {
            path = ValidateOriginForm(target, out query);
            return TargetForm.Origin;
        }
        if (method == RequestMethod.Connect)
        {
            if (!IsValidHost(target))
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
            }
            path = "/"u8;
            return TargetForm.Authority;
        }
        if (target.Length == 1 && target[0] == (byte)'*')
        {
            if (method != RequestMethod.Options)
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
            }
            path = "/"u8;
            return TargetForm.Asterisk;
        }
        path = ValidateAbsoluteForm(target, out query);
        return TargetForm.Absolute;
    }

    /// <summary>origin-form = absolute-path [ "?" query ]; returns the path.</summary>
    private static ReadOnlySpan<byte> ValidateOriginForm(ReadOnlySpan<byte> target, out ReadOnlySpan<byte> query)
    {
        var queryStart = target.IndexOf((byte)'?');
        var path = queryStart < 0 ? target : target[..queryStart];
        query = queryStart < 0 ? default : target[(queryStart + 1)..];
        // A NUL decoded from the path would cut it short wherever it meets a C string (a file name, a log).
        var valid = !path.ContainsAnyExcept(HttpCharacters.PathChar)
            && (queryStart < 0 || !target[(queryStart + 1)..].ContainsAnyExcept(HttpCharacters.QueryChar))
            && HttpCharacters.HasValidPercentEncoding(target)
            && path.IndexOf("%00"u8) < 0;
        if (!valid)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
        }
        return path;
    }

    /// <summary>absolute-form for http and https: scheme "://" authority [ path ] [ "?" query ].</summary>
    private static ReadOnlySpan<byte> ValidateAbsoluteForm(ReadOnlySpan<byte> target, out ReadOnlySpan<byte> query)
    {
        var afterScheme = StartsWithIgnoreCase(target, "http://"u8) ? 7
            : StartsWithIgnoreCase(target, "https://"u8) ? 8
            : -1;
        if (afterScheme < 0)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
        }

        var rest = target[afterScheme..];
        var authorityEnd = rest.IndexOfAny((byte)'/', (byte)'?');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        if (authority.IsEmpty || !IsValidHost(authority))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
        }
        if (authorityEnd < 0 || rest[authorityEnd] == (byte)'?')
        {
            // An empty path is "/" (RFC 9112 §3.2.1); a query after it still has to be valid.
            query = authorityEnd < 0 ? default : rest[(authorityEnd + 1)..];
            if (!IsValidQuery(query))
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
            }
            return "/"u8;
        }
        return ValidateOriginForm(rest[authorityEnd..], out query);
    }

    private static bool IsValidQuery(ReadOnlySpan<byte> query) =>
        !query.ContainsAnyExcept(HttpCharacters.QueryChar) && HttpCharacters.HasValidPercentEncoding(query);

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) =>
        value.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix);
}
