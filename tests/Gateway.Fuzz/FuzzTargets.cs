using Gateway.Fuzz.Targets;

namespace Gateway.Fuzz;

/// <summary>Runs one input; documented rejections return, anything else thrown is a crash for afl-fuzz.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>The targets by the name perf/fuzz.sh and the seed folders use.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>
    {
        ["head"] = RequestHeadTarget.Fuzz,
        ["chunked"] = ChunkedBodyTarget.Fuzz,
        ["chat"] = JsonBodyTargets.Chat,
        ["relay"] = JsonBodyTargets.Relay,
        ["completions"] = JsonBodyTargets.Completions,
        ["responses"] = JsonBodyTargets.Responses,
        ["messages"] = JsonBodyTargets.Messages,
    };
}
