using System.Globalization;
using System.Text.RegularExpressions;
using Acornima;
using Jint.Runtime;

namespace Gateway.Repl;

/// <summary>
/// The turn's error text for what ended it from outside the script: a limit's fixed text (the script cannot catch
/// those, design trap 9), code that does not parse, or a bug surfacing as "Internal error".
/// </summary>
internal static class ReplErrors
{
    public const string NeverSettles = "the code awaited a promise that can never settle";

    public static string Describe(Exception exception, ReplLimits limits) => exception switch
    {
        TimeLimitExceededException => string.Create(CultureInfo.InvariantCulture,
            $"Time limit exceeded: the code ran for more than {limits.TurnTime.TotalSeconds} s"),
        StatementsCountOverflowException => string.Create(CultureInfo.InvariantCulture,
            $"Statement limit exceeded: the code ran more than {limits.MaxStatements} statements"),
        MemoryLimitExceededException => string.Create(CultureInfo.InvariantCulture,
            $"Memory limit exceeded: the code allocated more than {limits.MemoryBytes / (1024 * 1024)} MiB or made an array longer than {limits.MaxArrayLength} elements"),
        // A raw BCL exception, not a JintException (design trap 9).
        RegexMatchTimeoutException => "Regular expression timed out",
        ParseErrorException parse => "SyntaxError: " + parse.Error.Description + string.Create(CultureInfo.InvariantCulture,
            $" ({parse.LineNumber}:{parse.Column})"),
        // The parser's own guard on absurdly nested code; V8 reports the same.
        InsufficientExecutionStackException => "RangeError: Maximum call stack size exceeded",
        _ => "Internal error: " + exception.Message,
    };
}
