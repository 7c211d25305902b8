using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A log's output kept as lines, with a bounded wait for a line to appear.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char[] buffer, int index, int count)
    {
        TaskCompletionSource written;
        lock (_text)
        {
            _text.Append(buffer, index, count);
            written = _written;
            _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        written.SetResult();
    }

    /// <summary>The first whole line <paramref name="match"/> accepts, waited for (bounded).</summary>
    public async Task<string> LineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        while (true)
        {
            Task written;
            lock (_text)
            {
                if (_text.ToString().Split('\n').SkipLast(1).FirstOrDefault(match) is { } line)
                {
                    return line;
                }
                written = _written.Task;
            }
            await written.WaitAsync(timeout.Token);
        }
    }
}
