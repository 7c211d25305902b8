namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// "Something was added": a producer calls <see cref="Notify"/> after each change; a consumer looks under its own lock and
/// otherwise waits (bounded) for the next change, so no change is missed between the look and the wait.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();

    /// <summary>What <paramref name="find"/> returns (called under <paramref name="gate"/>) once it is not null; fails after <see cref="RawConnection.ReadTimeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(object gate, Func<T?> find)
        where T : class
    {
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (find() is { } found)
                {
                    return found;
                }
                next = Volatile.Read(ref _next).Task;
            }
            await next.WaitAsync(timeout.Token);
        }
    }
}
