using System.Text;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Mock;

/// <summary>
/// What a mock answer is made of, all decided by the request: a seed hashed from the conversation, the words it walks,
/// and the token counts of <c>usage</c>.
/// </summary>
internal static class MockText
{
    /// <summary>64 words, so six bits of the walk pick one; each after the first piece follows a space.</summary>
    private static readonly byte[][] s_words = [.. """
        lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et
        dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea
        commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur
        excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum at vero
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(w => Encoding.UTF8.GetBytes(" " + w))];

    /// <summary>FNV-1a (64-bit) of the model id and every message's role, text, tool calls and call id: equal requests, equal seeds, in any process.</summary>
    public static ulong Seed(ModelTurnRequest request)
    {
        var hash = Mix(14695981039346656037UL, request.Model);
        foreach (var message in request.Messages)
        {
            hash = Mix(hash, (char)message.Role);
            foreach (var part in message.Content)
            {
                hash = Mix(hash, part.Text ?? part.Data ?? part.Url ?? "");
            }
            foreach (var call in message.ToolCalls)
            {
                hash = Mix(Mix(Mix(hash, call.Id), call.Name), call.Arguments.ToString());
            }
            hash = Mix(hash, message.ToolCallId ?? "");
        }
        return hash;
    }

    /// <summary>The next piece of the walk: a 64-bit linear congruential step (Knuth's MMIX constants), its top six bits a word.</summary>
    /// <param name="first">The answer's first piece, which has no leading space.</param>
    public static ReadOnlySpan<byte> NextPiece(ref ulong state, bool first)
    {
        state = (state * 6364136223846793005UL) + 1442695040888963407UL;
        var word = s_words[(int)(state >> 58)];
        return first ? word.AsSpan(1) : word;
    }

    /// <summary>The mock's input tokens: one per whitespace-separated word of the messages' text parts, tool results included.</summary>
    public static long CountInputTokens(IReadOnlyList<ChatMessage> messages)
    {
        long words = 0;
        foreach (var message in messages)
        {
            foreach (var part in message.Content)
            {
                words += CountWords(part.Text);
            }
        }
        return words;
    }

    public static long CountWords(string? text)
    {
        long words = 0;
        var inWord = false;
        foreach (var c in text.AsSpan())
        {
            var space = char.IsWhiteSpace(c);
            words += !space && !inWord ? 1 : 0;
            inWord = !space;
        }
        return words;
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = Mix(hash, c);
        }
        // A separator, so "ab"+"c" and "a"+"bc" differ.
        return Mix(hash, '\uFFFF');
    }

    private static ulong Mix(ulong hash, char c) => (hash ^ c) * 1099511628211UL;
}
