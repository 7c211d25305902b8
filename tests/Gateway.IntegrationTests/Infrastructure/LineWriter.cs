using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A log's output kept as lines, with a bounded wait for a line to appear.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly ChangeSignal _written = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
        {
            _text.Append(buffer, index, count);
        }
        _written.Notify();
    }

    /// <summary>The first whole line <paramref name="match"/> accepts, waited for (bounded).</summary>
    public Task<string> LineAsync(Func<string, bool> match) =>
        _written.WaitForAsync(_text, () => _text.ToString().Split('\n').SkipLast(1).FirstOrDefault(match));
}
