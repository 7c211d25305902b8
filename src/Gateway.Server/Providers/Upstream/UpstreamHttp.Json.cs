using System.Buffers;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamHttp
{
    /// <summary>Sends a request whose answer is one JSON document (a model listing, a token count) and reads it whole, within <see cref="UpstreamHttpOptions.MaxListingBytes"/>.</summary>
    /// <param name="what">What the answer is, for the error that names it.</param>
    /// <exception cref="HttpRequestException">The upstream failed; the message is the same one a turn would report.</exception>
    public async Task<byte[]> ReadJsonAsync(string provider, UpstreamRequest request, string what, CancellationToken cancellationToken)
    {
        var attempt = await SendWithRetriesAsync(provider, request, cancellationToken).ConfigureAwait(false);
        if (attempt.Failure is not null)
        {
            throw new HttpRequestException(attempt.Failure);
        }
        using var response = attempt.Response!;
        using var timeout = attempt.Timeout!;
        var body = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var read = await response.Body.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (body.WrittenCount + read.Buffer.Length > Options.MaxListingBytes)
            {
                throw new HttpRequestException($"{provider} sent a {what} larger than {Options.MaxListingBytes} bytes");
            }
            foreach (var segment in read.Buffer)
            {
                body.Write(segment.Span);
            }
            response.Body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return body.WrittenSpan.ToArray();
            }
        }
    }
}
