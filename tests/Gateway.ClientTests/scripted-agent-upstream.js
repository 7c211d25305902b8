// An OpenAI chat-completions upstream scripted for one coding-agent task: asked about a file with a tool that can read
// it on offer, it calls that tool; given the tool's output, it answers with the secret word found there. A real agent
// (Claude Code, Codex) in front of the gateway must run the tool itself and send its output back through the gateway,
// so the answer carries the word only if the file was really read. Streams as OpenAI does
// (https://platform.openai.com/docs/api-reference/chat/streaming) and records every request.
import { startRecordingServer } from './recording-server.js';

export const SCRIPTED_MODEL = 'scripted-coder';

/** The line the task's file holds; the word is what the upstream finds in the tool's output. */
export const secretLine = (word) => `The secret word is ${word}.`;
const SECRET = /The secret word is ([a-z]+)\./;

// The file the prompt names: an absolute path ending in word.txt (Claude Code's Read takes absolute paths only).
const FILE_IN_PROMPT = /(\/\S+\/word\.txt)/;

// How each agent's file-reading tool is called (Claude Code's Read; Codex's exec_command runs a shell command).
const READERS = {
  Read: (file) => ({ file_path: file }),
  exec_command: (file) => ({ cmd: `cat ${file}` }),
};

/** Starts the upstream on a free loopback port; resolves to `{ baseUrl, requests, toolResults(), close }`. */
export async function startScriptedUpstream() {
  const { origin, requests, close } = await startRecordingServer(answer);
  return {
    baseUrl: `${origin}/v1`,
    requests,
    /** The content of every tool message the upstream was sent, as text. */
    toolResults: () => requests.flatMap((r) => r.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => contentText(m.content)),
    close,
  };
}

function answer(request, res) {
  if (request.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ object: 'list', data: [{ id: SCRIPTED_MODEL, object: 'model', created: 0, owned_by: 'test' }] }));
  }
  stream(res, request.body.model, nextMove(request.body));
}

// A tool result last: answer from it. Otherwise read the file the user asked about, with whichever reader is offered.
// Anything else (an agent's side request, e.g. a title) gets a short text.
function nextMove(body) {
  const last = body.messages.filter((m) => m.role !== 'system' && m.role !== 'developer').at(-1);
  if (last?.role === 'tool') {
    const word = SECRET.exec(contentText(last.content))?.[1] ?? 'missing';
    return { text: `The word is ${word}.` };
  }
  const file = FILE_IN_PROMPT.exec(contentText(last?.content))?.[1];
  const reader = (body.tools ?? []).map((t) => t.function?.name).find((name) => name in READERS);
  if (file && reader) return { call: { id: 'call_read_file', name: reader, arguments: JSON.stringify(READERS[reader](file)) } };
  return { text: 'ok' };
}

function contentText(content) {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

function stream(res, model, move) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta, finish = null) => res.write(`data: ${JSON.stringify({
    id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`);
  if (move.call) {
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: move.call.id, type: 'function', function: { name: move.call.name, arguments: '' } }] });
    chunk({ tool_calls: [{ index: 0, function: { arguments: move.call.arguments } }] });
    chunk({}, 'tool_calls');
  } else {
    chunk({ role: 'assistant', content: move.text });
    chunk({}, 'stop');
  }
  res.end('data: [DONE]\n\n');
}
