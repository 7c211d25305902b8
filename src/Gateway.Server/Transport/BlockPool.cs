using System.Buffers;
using System.Collections.Concurrent;

namespace Gateway.Server.Transport;

/// <summary>
/// The connections' pipe memory: 4 KiB blocks kept for reuse. <see cref="ArrayPool{T}.Shared"/> keeps 32 arrays of a
/// size per core, fewer than 32 streams' backed-up output holds, so past that every segment was a new array (the lab's
/// 150-190 B per relayed event, perf/README.md scenario 11).
/// </summary>
internal sealed class BlockPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    /// <summary>Blocks kept at most (16 MiB): a burst beyond it is garbage after, not memory held for good.</summary>
    private const int MaxKept = 4096;

    private readonly ConcurrentQueue<Block> _kept = new();
    private int _keptCount;

    public static BlockPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <exception cref="ArgumentOutOfRangeException">More than a block was asked for (a pipe asks for at most <see cref="MaxBufferSize"/>).</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_kept.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _keptCount);
            return block;
        }
        return new Block(this);
    }

    /// <summary>Lets go of every kept block, so a quiet server's next full collection gives their memory back.</summary>
    public void Trim()
    {
        while (_kept.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _keptCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        // Shared for the process's life: nothing to release.
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _keptCount) <= MaxKept)
        {
            _kept.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _keptCount);
        }
    }

    /// <summary>One block; disposing it (the pipe does, once read) gives it back.</summary>
    private sealed class Block(BlockPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[BlockSize];

        public void Dispose() => pool.Return(this);
    }
}
