using Gateway.Server.Transport;

namespace Gateway.Server.Tests.Transport;

public class BlockPoolTests
{
    [Fact]
    public void AReturnedBlockIsRentedAgainUntilTheTrimLetsItGo()
    {
        var pool = new BlockPool();
        var first = pool.Rent();
        Assert.Equal(BlockPool.BlockSize, first.Memory.Length);
        first.Dispose();

        var again = pool.Rent();
        Assert.Same(first, again);
        again.Dispose();

        pool.Trim();
        Assert.NotSame(first, pool.Rent());
    }

    [Fact]
    public void MoreThanABlockIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockPool().Rent(BlockPool.BlockSize + 1));
}
