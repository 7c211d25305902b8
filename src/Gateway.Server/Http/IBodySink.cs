using System.Buffers;

namespace Gateway.Server.Http;

/// <summary>Where <see cref="ChunkedBodyDecoder"/> puts chunk data: a request's body buffer, or an upstream response's body.</summary>
internal interface IBodySink
{
    void Append(in ReadOnlySequence<byte> bytes);
}
