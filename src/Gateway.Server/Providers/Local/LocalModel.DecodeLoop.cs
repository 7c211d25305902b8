using System.Diagnostics;
using LLama.Batched;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>The model's decode loop: one llama.cpp decode per step for every running sequence together.</summary>
/// <remarks>
/// Invariants:
/// - At most one loop runs per model (<see cref="_loopRunning"/>, under <see cref="_gate"/>); it is the only code
///   that touches the executor, its conversations and samplers. It starts when a turn is queued and exits when
///   no sequence is running or queued, so an idle model costs no thread.
/// - One step: start the queued turns (their prompts join the batch), decode once (<see cref="BatchedExecutor.Infer"/>),
///   then sample one token for every sequence that decode produced logits for and queue it for the next step.
///   So N concurrent turns cost one decode per token, not N.
/// - A sequence that ended, or whose reader has gone, is retired at the first step where none of its tokens wait in a
///   queued batch (normally the next one): its KV cache is parked for a later turn that starts the same way
///   (<see cref="LocalPrefixCache"/>), then its slot returned. A turn starts in the parked sequence that holds most
///   of its prompt and prefills only the rest.
/// - Infer is never given a cancellation token: a cancelled Infer drops its batch, losing other sequences' tokens.
/// </remarks>
internal sealed partial class LocalModel
{
    private readonly Lock _gate = new();
    private readonly Queue<LocalSequence> _pending = new();
    private Task _loop = Task.CompletedTask;
    private bool _loopRunning;
    private bool _disposed;
    private BatchedExecutor? _executor;

    private readonly LocalPrefixCache _parked; // The loop's, like the executor.
    private int _parkedSequences;
    private long _cachedPromptTokens;
    private long _decodeCalls;
    private long _generatedTokens;
    private long _prefillTicks;
    private long _decodeTicks;
    private int _maxSequencesPerDecode;

    private void Enqueue(LocalSequence sequence)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                _slots.Release();
                throw new LocalModelException($"Local model '{Id}' is shutting down.", statusCode: 503);
            }
            _pending.Enqueue(sequence);
            if (!_loopRunning)
            {
                _loopRunning = true;
                _loop = Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var active = new List<LocalSequence>(_options.MaxSequences);
        try
        {
            while (true)
            {
                Task? hold = null;
                lock (_gate)
                {
                    if (_held is { StepsLeft: > 0 } stepping)
                    {
                        stepping.StepsLeft--;
                    }
                    else
                    {
                        hold = _held?.Released.Task;
                    }
                }
                if (hold is not null)
                {
                    await hold.ConfigureAwait(false);
                }
                if (Volatile.Read(ref _disposed))
                {
                    Abort(active, $"Local model '{Id}' stopped: the gateway is shutting down.");
                    return;
                }
                if (!Admit(active))
                {
                    return;
                }
                if (active.Count > 0)
                {
                    await StepAsync(active).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            _log.Error($"Local model {Id}: decoding failed; its running turns end with an error and its context is recreated.", e);
            Abort(active, $"Local model '{Id}' failed while decoding: {e.Message}");
        }
    }

    /// <summary>Starts the queued turns; false (and the loop marked stopped) when there is nothing left to do.</summary>
    private bool Admit(List<LocalSequence> active)
    {
        List<LocalSequence>? starting = null;
        lock (_gate)
        {
            if (_pending.Count == 0 && active.Count == 0)
            {
                _loopRunning = false;
                return false;
            }
            while (_pending.TryDequeue(out var queued))
            {
                (starting ??= []).Add(queued);
            }
        }
        if (starting is null)
        {
            return true;
        }

        // Into the running set first, so that a failure below still ends (and frees) every one of them.
        var first = active.Count;
        foreach (var sequence in starting)
        {
            if (sequence.Abandoned)
            {
                Retire(sequence);
            }
            else
            {
                active.Add(sequence);
            }
        }
        var executor = _executor ??= new BatchedExecutor(_weights, _contextParameters);
        for (var i = first; i < active.Count; i++)
        {
            var sequence = active[i];
            // The sequences before this one in the running set hold theirs already.
            var conversation = _parked.Take(sequence.Prompt, running: i, out var cached) ?? executor.Create();
            sequence.Begin(conversation, sequence.Sampling.CreateChain(), cached);
            sequence.Feed(sequence.Prompt.AsSpan(cached));
            Interlocked.Add(ref _cachedPromptTokens, cached);
        }
        Volatile.Write(ref _parkedSequences, _parked.Count);
        return true;
    }

    private async Task StepAsync(List<LocalSequence> active)
    {
        var executor = _executor!;
        // A step that reads any prompt counts as prefill; one that only extends answers, as decode.
        var prefill = active.Exists(static s => s.Prefilling);
        var started = Stopwatch.GetTimestamp();
        var result = await executor.Infer().ConfigureAwait(false);
        Interlocked.Add(ref prefill ? ref _prefillTicks : ref _decodeTicks, Stopwatch.GetElapsedTime(started).Ticks);
        Interlocked.Increment(ref _decodeCalls);
        if (result != DecodeResult.Ok)
        {
            // NoKvSlot cannot happen while every sequence stays within its own stream; anything else is llama.cpp failing.
            throw new LocalModelException($"llama.cpp decode returned {result}.");
        }

        var context = executor.Context.NativeHandle;
        var model = _weights.NativeHandle;
        var sampled = 0;
        for (var i = 0; i < active.Count;)
        {
            var sequence = active[i];
            var conversation = sequence.Conversation!;
            if (conversation.RequiresInference)
            {
                i++; // Its tokens wait in a later batch (a prompt longer than one batch).
                continue;
            }
            var over = sequence.Abandoned;
            var lost = false;
            if (!over && conversation.RequiresSampling)
            {
                sampled++;
                var token = sequence.Sampler!.Sample(context, conversation.GetSampleIndex());
                over = !sequence.Accept(token, model, ContextPerSequence);
                if (!over)
                {
                    sequence.Feed(token);
                }
            }
            else if (!over)
            {
                sequence.Fail($"Local model '{Id}': the sequence lost its place in the batch.");
                over = lost = true;
            }

            if (over)
            {
                Retire(sequence, park: !lost);
                active.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        Interlocked.Add(ref _generatedTokens, sampled);
        if (sampled > _maxSequencesPerDecode)
        {
            Volatile.Write(ref _maxSequencesPerDecode, sampled);
        }
    }

    /// <summary>Parks the sequence's KV cache for a later turn (or frees it), frees its sampler, then gives its slot back.</summary>
    private void Retire(LocalSequence sequence, bool park = true)
    {
        sequence.Release(park ? _parked : null);
        Volatile.Write(ref _parkedSequences, _parked.Count);
        _slots.Release();
    }

    /// <summary>After a failure or at shutdown: ends every running and queued turn with <paramref name="message"/> and drops the context.</summary>
    private void Abort(List<LocalSequence> active, string message)
    {
        foreach (var sequence in active)
        {
            sequence.Fail(message);
            ReleaseQuietly(sequence);
        }
        active.Clear();
        try
        {
            _parked.Clear();
            _executor?.Dispose();
        }
        catch (Exception e)
        {
            _log.Warning($"Local model {Id}: disposing the context failed.", e);
        }
        _executor = null; // The next turn gets a fresh context.

        lock (_gate)
        {
            while (_pending.TryDequeue(out var queued))
            {
                queued.Fail(message);
                ReleaseQuietly(queued);
            }
            _loopRunning = false;
        }
    }

    private void ReleaseQuietly(LocalSequence sequence)
    {
        try
        {
            sequence.Release();
        }
        catch (Exception e)
        {
            _log.Warning($"Local model {Id}: freeing a sequence failed.", e);
        }
        _slots.Release();
    }
}
