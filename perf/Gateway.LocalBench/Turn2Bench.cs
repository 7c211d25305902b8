using System.Globalization;
using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;

namespace Gateway.LocalBench;

/// <summary>
/// <c>--turn2</c>: what keeping a turn's KV cache saves the next turn. Per model, a first turn whose prompt is a long
/// history (about five eighths of a sequence's context, so that turn 2 still fits), then its second turn (history,
/// answer, one short new message) on the same model, and the same second turn on a model that has never seen it;
/// prefill time of each.
/// </summary>
internal static class Turn2Bench
{
    /// <summary>Short answers: the prompt is what is measured, and turn 2 (history + answer) must still fit the context.</summary>
    private const int AnswerTokens = 16;

    private const string NewMessage = "And then what happened?";

    public static async Task<int> RunAsync(BenchSettings settings, GatewayLog log)
    {
        // Two sequences each: a round's new history finds a free one, so turn 1 and the cold turn 2 really prefill everything.
        var options = new LocalModelOptions { ModelsDirectory = settings.ModelsDirectory, MaxTokens = AnswerTokens, MaxSequences = 2, Threads = settings.Threads };
        await using var warm = new LocalModelProvider(options, log);
        await using var cold = new LocalModelProvider(options, log);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Threads} threads; {AnswerTokens}-token answers; prefill = time in the decode calls that read the prompt; median of {settings.Rounds} rounds."));
        Console.WriteLine();
        // The goal (issue 15): turn 2 costs what its new tokens cost, so its prefill per new token is set beside turn 1's per token.
        Console.WriteLine("| model | turn 1 prompt tokens | turn 1 prefill ms | turn 2 prompt tokens | cached | turn 2 prefill ms | turn 2 cold prefill ms | cold / kept | turn 1 ms/token | turn 2 ms/new token |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var id in settings.Models)
        {
            var warmModel = await warm.GetModelAsync(id, default);
            var coldModel = await cold.GetModelAsync(id, default);
            var rounds = new List<(Turn First, Turn Second, Turn Cold)>();
            for (var round = 0; round <= settings.Rounds; round++)
            {
                // Every round a different history, so neither model has it parked; round 0 warms up and is not counted.
                var history = History(round, warmModel.ContextPerSequence * 5 / 8);
                var first = await TurnAsync(warmModel, [ChatMessage.User(history)]);
                ChatMessage[] next = [ChatMessage.User(history), ChatMessage.Assistant(first.Answer, []), ChatMessage.User(NewMessage)];
                var second = await TurnAsync(warmModel, next);
                var coldSecond = await TurnAsync(coldModel, next);
                if (round > 0)
                {
                    rounds.Add((first, second, coldSecond));
                }
            }
            rounds.Sort((a, b) => a.Second.Prefill.CompareTo(b.Second.Prefill));
            var (t1, t2, c2) = rounds[rounds.Count / 2];
            var cached = t2.Usage.CacheReadTokens ?? 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {t1.Usage.InputTokens} | {t1.Prefill.TotalMilliseconds:0.00} | {t2.Usage.InputTokens} | {cached} | {t2.Prefill.TotalMilliseconds:0.00} | {c2.Prefill.TotalMilliseconds:0.00} | {c2.Prefill / t2.Prefill:0.0}x | {t1.Prefill.TotalMilliseconds / t1.Usage.InputTokens:0.000} | {t2.Prefill.TotalMilliseconds / (t2.Usage.InputTokens - cached):0.000} |"));
        }
        return 0;
    }

    /// <summary>About <paramref name="characters"/> characters of plain story sentences, starting with the round number.</summary>
    private static string History(int round, int characters)
    {
        var text = new StringBuilder(round.ToString(CultureInfo.InvariantCulture)).Append('.');
        for (var i = 0; text.Length < characters; i++)
        {
            text.Append(' ').Append(BenchSettings.Prompts[i % BenchSettings.Prompts.Length]).Append('.');
        }
        return text.ToString(0, characters);
    }

    private static async Task<Turn> TurnAsync(LocalModel model, ChatMessage[] messages)
    {
        var before = model.Statistics.PrefillTime;
        using var sequence = await model.StartAsync(messages, new TurnOptions { MaxTokens = AnswerTokens }, [], default);
        var answer = new StringBuilder();
        var usage = default(TokenUsage);
        await foreach (var item in sequence.Events.ReadAllAsync())
        {
            switch (item.Kind)
            {
                case ProviderEventKind.TextDelta: answer.Append(item.Text); break;
                case ProviderEventKind.Usage: usage = item.Usage; break;
                case ProviderEventKind.Error: throw new InvalidOperationException(item.Text);
            }
        }
        return new Turn(answer.ToString(), usage, model.Statistics.PrefillTime - before);
    }

    private sealed record Turn(string Answer, TokenUsage Usage, TimeSpan Prefill);
}
