using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators.Helpers;

/// <summary>Builds generated source line by line at the current indentation.</summary>
/// <remarks>
/// Lines end in <c>\n</c> on every OS and blank lines carry no indentation, so the output is
/// byte-identical everywhere and snapshots compare exactly.
/// </remarks>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;

    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string line) => _builder.Append(' ', _indentation * IndentSize).Append(line).Append('\n');

    public void OpenBlock()
    {
        WriteLine("{");
        _indentation++;
    }

    /// <param name="suffix">Written after the brace on the same line, e.g. <c>);</c> to close an initializer.</param>
    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public SourceText ToSourceText() => SourceText.From(_builder.ToString(), Encoding.UTF8);

    public override string ToString() => _builder.ToString();
}
