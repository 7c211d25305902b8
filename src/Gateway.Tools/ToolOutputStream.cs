namespace Gateway.Tools;

/// <summary>Which output of a process a progress report came from.</summary>
public enum ToolOutputStream
{
    Stdout,
    Stderr,
}
