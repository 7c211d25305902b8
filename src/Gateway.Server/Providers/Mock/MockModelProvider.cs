using System.Globalization;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Mock;

/// <summary>
/// Models that answer without any network (provider name "mock", MOCK_MODELS), for load tests of agent clients: each
/// turn is a text of <see cref="MockModelOptions.Tokens"/> words walked from a hash of the request, so equal requests
/// get equal bytes, or the tool call a last user message <c>/tool name {json}</c> asks for.
/// </summary>
/// <remarks>
/// Usage is counted, not measured: input tokens are the words of the messages' text (<see cref="MockText.CountInputTokens"/>),
/// output tokens the pieces sent (a tool call is one). Every wait is on <see cref="MockModelOptions.Clock"/> and the turn's token.
/// </remarks>
internal sealed class MockModelProvider(MockModelOptions options) : IModelProvider
{
    public const string ProviderName = "mock";

    /// <summary>Pieces pushed between flushes when they come as fast as possible, as an upstream read carries several events.</summary>
    private const int PiecesPerFlush = 16;

    public string Name => ProviderName;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => Task.FromResult(options.Models);

    /// <summary>The words its usage would report.</summary>
    public Task<long> CountInputTokensAsync(ModelTurnRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(MockText.CountInputTokens(request.Messages));

    public async Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        if (!options.Models.Contains(request.Model, StringComparer.Ordinal))
        {
            sink.Failed($"Mock model '{request.Model}' is not configured: MOCK_MODELS serves {string.Join(", ", options.Models)}.", 404);
            return;
        }
        MockToolCommand? command;
        try
        {
            command = MockToolCommand.Find(request.Messages);
        }
        catch (FormatException e)
        {
            sink.Failed($"The mock model's /tool command {e.Message}; expected '/tool <name> <JSON object of arguments>'.", 400);
            return;
        }
        if (options.TimeToFirstToken > TimeSpan.Zero)
        {
            await Task.Delay(options.TimeToFirstToken, options.Clock, cancellationToken).ConfigureAwait(false);
        }
        var seed = MockText.Seed(request);
        var input = MockText.CountInputTokens(request.Messages);
        if (command is not null)
        {
            Call(command, seed, input, sink);
            return;
        }
        var pieces = Math.Min(options.Tokens, request.Options.MaxTokens ?? int.MaxValue);
        await AnswerAsync(seed, pieces, sink, cancellationToken).ConfigureAwait(false);
        sink.Finished(pieces < options.Tokens ? FinishReason.Length : FinishReason.Stop);
        sink.Usage(new TokenUsage(input, pieces));
    }

    /// <summary>Pushes the text: each piece when it is due at <see cref="MockModelOptions.TokensPerSecond"/> (those already due together), else all in batches.</summary>
    private async Task AnswerAsync(ulong seed, int pieces, ITurnSink sink, CancellationToken cancellationToken)
    {
        var clock = options.Clock;
        var interval = options.TokensPerSecond > 0 ? TimeSpan.FromSeconds(1 / options.TokensPerSecond) : TimeSpan.Zero;
        var started = clock.GetTimestamp();
        for (var i = 0; i < pieces; i++)
        {
            // Due times count from the first piece, so a late wake-up does not slow the rest.
            var wait = i == 0 ? TimeSpan.Zero : (interval * i) - clock.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await sink.FlushAsync().ConfigureAwait(false);
                await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            }
            else if (sink.IsBehind || (i > 0 && i % PiecesPerFlush == 0))
            {
                await sink.FlushAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            sink.Text(MockText.NextPiece(ref seed, first: i == 0), logprobs: null);
        }
    }

    /// <summary>The turn's one tool call, with an id derived from the conversation so that it too is deterministic.</summary>
    private static void Call(MockToolCommand command, ulong seed, long input, ITurnSink sink)
    {
        var id = "call_mock_" + seed.ToString("x16", CultureInfo.InvariantCulture);
        sink.ToolCallStarted(0, id, command.Name);
        sink.ToolArguments(0, command.Arguments.ToString());
        sink.ToolCalled(new ToolCallRequest(id, command.Name, command.Arguments), 0);
        sink.Finished(FinishReason.ToolCalls);
        sink.Usage(new TokenUsage(input, 1));
    }
}
