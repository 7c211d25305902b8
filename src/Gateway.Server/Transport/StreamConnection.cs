using System.IO.Pipelines;

namespace Gateway.Server.Transport;

/// <summary>A duplex pipe over a stream that already carries the bytes (a TLS session): what the pipes read and write is the stream's.</summary>
/// <remarks>
/// Unlike <see cref="SocketConnection"/> nothing runs in the background: a read reads the stream and a flush writes it,
/// on the caller's own turn. Zero-byte reads keep an idle connection from holding a buffer, as the socket loop does.
/// </remarks>
internal sealed class StreamConnection : ITransportConnection
{
    private static readonly StreamPipeReaderOptions s_readerOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions s_writerOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    private readonly Stream _stream;

    public StreamConnection(Stream stream)
    {
        _stream = stream;
        Input = PipeReader.Create(stream, s_readerOptions);
        Output = PipeWriter.Create(stream, s_writerOptions);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Closes the stream (and the socket under it); a pending read or write ends with an exception.</summary>
    public void Abort() => _stream.Dispose();
}
