using Gateway.Server.Primitives;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// The sessions' entries of one <see cref="EventShipper"/> pipeline (SPEC §9): per session its entry, its stream's TTL and,
/// when due, its registration. Each entry's frames are an array of <see cref="EventShipper.Frames"/>, given back only once Redis has answered.
/// </summary>
internal sealed class StreamEntries(IDatabase database)
{
    private readonly List<byte[]> _frames = [];
    private IBatch? _pipeline;

    public int Count => _frames.Count;

    /// <param name="sequence">0 for an entry of a running session, 1 for its last (the end after event <paramref name="lastId"/>).</param>
    /// <param name="frames">A pooled array and the length of its frames (<see cref="PooledBufferWriter.Detach"/>).</param>
    /// <param name="owner">The registration's value when it is to be written (with <paramref name="ownerTimeToLive"/>), else null.</param>
    public void Add(
        RedisKey stream, RedisKey registration, long lastId, int sequence, (byte[] Array, int Length) frames, int maxLength, TimeSpan streamTimeToLive,
        string? owner, TimeSpan ownerTimeToLive)
    {
        var pipeline = _pipeline ??= database.CreateBatch();
        if (owner is not null)
        {
            _ = pipeline.StringSetAsync(registration, owner, ownerTimeToLive, flags: CommandFlags.FireAndForget);
        }
        _ = pipeline.StreamAddAsync(
            stream, RedisEventArchive.FramesField, frames.Array.AsMemory(0, frames.Length), $"{lastId}-{sequence}", maxLength, useApproximateMaxLength: true,
            flags: CommandFlags.FireAndForget);
        _ = pipeline.KeyExpireAsync(stream, streamTimeToLive, CommandFlags.FireAndForget);
        _frames.Add(frames.Array);
    }

    /// <summary>Sends the pipeline; done when Redis has answered its last command, so every frame before it has been written.</summary>
    public Task SendAsync()
    {
        var answered = _pipeline!.PingAsync();
        _pipeline.Execute();
        _pipeline = null;
        return answered;
    }

    /// <summary>Ready for the next pipeline; the frames go back to the pool only once the client is done with them.</summary>
    public void Clear(bool returnFrames)
    {
        if (returnFrames)
        {
            foreach (var array in _frames)
            {
                PooledBufferWriter.Return(array, EventShipper.Frames);
            }
        }
        _frames.Clear();
    }
}
