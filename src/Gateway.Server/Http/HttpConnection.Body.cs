using System.Buffers;

namespace Gateway.Server.Http;

internal sealed partial class HttpConnection
{
    /// <summary>The most body read and dropped after an early answer, so the connection can carry the next request.</summary>
    private const int DiscardableBodyBytes = 64 * 1024;

    private readonly RequestBodyBuffer _body = new();
    private ChunkedBodyDecoder _chunkedDecoder;

    /// <summary>Reads the whole body (Content-Length or chunked) into <see cref="_body"/>, refusing more than <paramref name="limit"/> bytes.</summary>
    private async ValueTask ReadBodyAsync(long limit)
    {
        _body.Limit = limit;
        if (_expectContinue && _version == HttpVersion.Http11)
        {
            _output.Write(StatusLines.For(100));
            _output.Write("\r\n"u8);
            await FlushAsync().ConfigureAwait(false);
        }

        _state = RequestState.Body;
        SetDeadline(DeadlineKind.Body, _options.BodyTimeout);
        _chunkedDecoder.Reset();
        var remaining = _contentLength;
        if (!_isChunked)
        {
            _body.EnsureRoom(remaining);
        }

        while (true)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(buffer.Start);
                if (TakeTimeout() == DeadlineKind.Body)
                {
                    RequestRejection.Throw(RequestRejectionReason.BodyTimeout);
                }
                continue;
            }

            bool complete;
            if (_isChunked)
            {
                var reader = new SequenceReader<byte>(buffer);
                complete = _chunkedDecoder.TryDecode(ref reader, _body, _options.MaxHeaderCount, _options.MaxHeaderBytes);
                _input.AdvanceTo(reader.Position, complete ? reader.Position : buffer.End);
            }
            else
            {
                var take = Math.Min(remaining, buffer.Length);
                _body.Append(buffer.Slice(0, take));
                remaining -= take;
                complete = remaining == 0;
                _input.AdvanceTo(buffer.GetPosition(take));
            }

            if (complete)
            {
                ClearDeadline();
                return;
            }
            if (result.IsCompleted)
            {
                RequestRejection.Throw(RequestRejectionReason.UnexpectedEndOfRequest);
            }
        }
    }
}
