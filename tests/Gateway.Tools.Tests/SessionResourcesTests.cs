namespace Gateway.Tools.Tests;

public sealed class SessionResourcesTests
{
    [Fact]
    public async Task OneResourcePerKeyIsMadeAndTheSessionsEndDisposesThemAll()
    {
        var context = new ToolContext(Path.GetTempPath());
        context.Begin(Path.GetTempPath());
        var (one, two) = (new object(), new object());

        var first = context.SessionResources.GetOrAdd(one, () => new Recorded());
        Assert.Same(first, context.SessionResources.GetOrAdd(one, () => new Recorded()));
        var second = context.SessionResources.GetOrAdd(two, () => new Recorded());
        await context.SessionResources.EndAsync();

        Assert.Equal((1, 1), (first.Disposals, second.Disposals));
        // Work that outlived the session makes nothing new; the next session starts with none.
        Assert.Throws<ObjectDisposedException>(() => context.SessionResources.GetOrAdd(one, () => new Recorded()));
        context.Begin(Path.GetTempPath());
        Assert.NotSame(first, context.SessionResources.GetOrAdd(one, () => new Recorded()));
        await context.SessionResources.EndAsync();
        Assert.Equal(1, first.Disposals);
    }

    private sealed class Recorded : IAsyncDisposable
    {
        public int Disposals { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return ValueTask.CompletedTask;
        }
    }
}
