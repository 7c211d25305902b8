using System.Globalization;
using System.Text;

namespace Gateway.LoadGen;

/// <summary>Turns the arguments into <see cref="LoadOptions"/>; every mistake is an <see cref="ArgumentException"/> for the user.</summary>
public static class LoadOptionsParser
{
    public const string Usage =
        "usage: Gateway.LoadGen --url http://HOST:PORT/PATH [--mode closed|open|sweep] [--connections 64] [--rate R]\n" +
        "       [--rates R1,R2,..] [--concurrencies C1,C2,..] [--duration 10s] [--warmup 2s] [--timeout 10s]\n" +
        "       [--max-in-flight 10000] [--requests N] [--pipeline 1] [--method GET|POST] [--body JSON|@FILE] [--body-file FILE]\n" +
        "       [--header 'Name: value'].. [--sse] [--connected-marker 'event: connected'] [--first-content-marker 'event: text']\n" +
        "       [--first-content-contains TEXT]\n" +
        "       [--label NAME] [--json OUT.json] [--md OUT.md] [--quiet]          (details: perf/LAB.md)";

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        Uri? url = null;
        var options = new LoadOptions { Url = new Uri("http://127.0.0.1/") };
        var headers = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--sse" or "--quiet")
            {
                options = name == "--sse" ? options with { Sse = true } : options with { Quiet = true };
                continue;
            }
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value (or is unknown)");
            }
            var value = args[++i];
            switch (name)
            {
                case "--url":
                    url = Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme == "http" ? u : throw new ArgumentException($"--url: '{value}' is not an http:// URL");
                    break;
                case "--header":
                    headers.Add(value.Contains(':', StringComparison.Ordinal) ? value : throw new ArgumentException($"--header: '{value}' is not 'Name: value'"));
                    break;
                default:
                    options = Apply(options, name, value);
                    break;
            }
        }
        options = options with { Url = url ?? throw new ArgumentException("--url is required"), Headers = headers };
        return Validate(options);
    }

    private static LoadOptions Apply(LoadOptions options, string name, string value) => name switch
    {
        "--mode" => options with
        {
            Mode = value switch
            {
                "open" => LoadMode.Open,
                "closed" => LoadMode.Closed,
                "sweep" => LoadMode.Sweep,
                _ => throw new ArgumentException($"--mode: '{value}' is not open, closed or sweep"),
            },
        },
        "--connections" => options with { Connections = Int(name, value, 1, 100_000) },
        "--rate" => options with { Rate = Rate(name, value) },
        "--rates" => options with { Rates = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => Rate(name, r))] },
        "--concurrencies" => options with { Concurrencies = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => Int(name, c, 1, 100_000))] },
        "--duration" => options with { Duration = Duration(name, value, allowZero: false) },
        "--warmup" => options with { Warmup = Duration(name, value, allowZero: true) },
        "--timeout" => options with { Timeout = Duration(name, value, allowZero: false) },
        "--max-in-flight" => options with { MaxInFlight = Int(name, value, 1, 1_000_000) },
        "--requests" => options with { Requests = Int(name, value, 1, 100_000_000) },
        "--pipeline" => options with { Pipeline = Int(name, value, 1, 1024) },
        "--method" => options with { Method = value.ToUpperInvariant() },
        "--body" => options with { Body = value.StartsWith('@') ? ReadFile(name, value[1..]) : Encoding.UTF8.GetBytes(value) },
        "--body-file" => options with { Body = ReadFile(name, value) },
        "--connected-marker" => options with { ConnectedMarker = Marker(name, value) },
        "--first-content-marker" => options with { FirstContentMarker = Marker(name, value), FirstContentAnywhere = false },
        "--first-content-contains" => options with { FirstContentMarker = Marker(name, value), FirstContentAnywhere = true },
        "--label" => options with { Label = value },
        "--json" => options with { JsonPath = value },
        "--md" => options with { MarkdownPath = value },
        _ => throw new ArgumentException($"unknown option {name}"),
    };

    private static LoadOptions Validate(LoadOptions o)
    {
        if (o.Mode == LoadMode.Open && o.Rate <= 0)
        {
            throw new ArgumentException("--mode open needs --rate");
        }
        if (o.Mode == LoadMode.Sweep && (o.Rates.Count > 0) == (o.Concurrencies.Count > 0))
        {
            throw new ArgumentException("--mode sweep needs exactly one of --rates and --concurrencies");
        }
        if (o.Pipeline > 1 && (o.Sse || o.Body is not null || o.Mode == LoadMode.Open || o.Rates.Count > 0))
        {
            throw new ArgumentException("--pipeline applies to closed-loop GETs without --sse only");
        }
        if (o.Requests > 0 && (o.Mode != LoadMode.Closed || o.Warmup != TimeSpan.Zero))
        {
            throw new ArgumentException("--requests applies to --mode closed with --warmup 0 (every request counts)");
        }
        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a whole number in [{min}, {max}]");

    private static double Rate(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) && r > 0 && r <= 10_000_000
            ? r
            : throw new ArgumentException($"{name}: '{value}' is not a positive rate per second");

    private static TimeSpan Duration(string name, string value, bool allowZero) =>
        DurationParser.TryParse(value, out var d) && (allowZero || d > TimeSpan.Zero)
            ? d
            : throw new ArgumentException($"{name}: '{value}' is not a duration (250ms, 10s, 2m, or seconds)");

    private static string Marker(string name, string value) =>
        value.Length is > 0 and <= SseScanner.MaxMarkerLength ? value : throw new ArgumentException($"{name}: 1 to {SseScanner.MaxMarkerLength} characters");

    private static byte[] ReadFile(string name, string path) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new ArgumentException($"{name}: no file '{path}'");
}
