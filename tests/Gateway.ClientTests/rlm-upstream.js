// An OpenAI chat-completions upstream scripted for RLM mode (SPEC §8) and POST /summarize (SPEC §10). An RLM run's
// model is asked for one ```js block per turn; this one answers by the task tag in the run's first user message, with
// code that can reach its answer only by running in the gateway's REPL (reading `context`, calling `llm_query` or
// `exec`). A request with no tag is a summary request, answered with SUMMARY. Streams as OpenAI does
// (https://platform.openai.com/docs/api-reference/chat/streaming) and records every request.
import { startRecordingServer } from './recording-server.js';

export const RLM_MODEL = 'scripted-rlm';

/** The tag that picks a task's script, e.g. `[rlm:lines] How many lines?`. */
export const tagged = (task, text) => `[rlm:${task}] ${text}`;
const TAG = /^\[rlm:([a-z]+)\]/;

/** Each task's one turn: prose, then the block (nothing after it, CodeBlock's rule). */
export const SCRIPTS = Object.freeze({
  // Counts the lines of the root's context.
  lines: [
    'I will count the lines of the context.\n',
    '```js\nconst lines = context.split("\\n");\nprint("lines:", lines.length);\nFINAL(`The context has ${lines.length} lines.`);\n```',
  ],
  // Hands its own data to a child run (llm_query with a context) and answers with the child's answer.
  query: [
    'A helper can shout the data.\n',
    '```js\nconst shouted = await llm_query("[rlm:child] Shout the data.", "quiet data");\nprint(shouted);\nFINAL(`The helper said: ${shouted}`);\n```',
  ],
  // The child run started by `query`: answers from its own context.
  child: [
    'Shouting.\n',
    '```js\nFINAL(`${context.length} characters: ${context.toUpperCase()}`);\n```',
  ],
  // Reads the workspace's word.txt through exec.
  exec: [
    'The file is in the working directory.\n',
    '```js\nconst read = await exec("cat word.txt");\nconst word = read.stdout.trim();\nprint(`exit ${read.exitCode}`);\nFINAL(`The word is ${word}.`);\n```',
  ],
});

/** What every RLM turn reports as its usage (harness_end's totalUsage sums them). */
export const RLM_USAGE = Object.freeze({ prompt_tokens: 321, completion_tokens: 45, total_tokens: 366 });

/** The summary, as the content deltas it is streamed in; non-ASCII so a mangled UTF-8 boundary would show. */
export const SUMMARY_PIECES = Object.freeze(['The user asked', ' for a plan;', ' the assistant agreed', ' — déjà vu ✓']);
export const SUMMARY = SUMMARY_PIECES.join('');
export const SUMMARY_USAGE = Object.freeze({ prompt_tokens: 88, completion_tokens: 14, total_tokens: 102 });

/** Starts the upstream on a free loopback port; resolves to `{ baseUrl, requests, chatRequests(), summaryRequests(), close }`. */
export async function startRlmUpstream() {
  const { origin, requests, close } = await startRecordingServer(answer);
  return {
    baseUrl: `${origin}/v1`,
    requests,
    /** The bodies of the chat requests whose first user message has `task`'s tag. */
    chatRequests: (task) => bodiesOf(task),
    /** The bodies of the chat requests with no tag: what /summarize sent. */
    summaryRequests: () => bodiesOf(undefined),
    close,
  };

  function bodiesOf(task) {
    return requests.filter((r) => r.url === '/v1/chat/completions' && taskOf(r.body) === task).map((r) => r.body);
  }
}

function answer(request, res) {
  if (request.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ object: 'list', data: [{ id: RLM_MODEL, object: 'model', created: 0, owned_by: 'test' }] }));
  }
  const task = taskOf(request.body);
  if (task === undefined) return stream(res, request.body, SUMMARY_PIECES, SUMMARY_USAGE);
  // A tag with no script would otherwise loop to maxIterations on "No code block found".
  stream(res, request.body, SCRIPTS[task] ?? [`unknown task ${task}`], RLM_USAGE);
}

function taskOf(body) {
  const first = (body?.messages ?? []).find((m) => m.role === 'user');
  return typeof first?.content === 'string' ? TAG.exec(first.content)?.[1] : undefined;
}

/** Role, the content pieces, finish_reason, the usage chunk (the gateway asks for it), [DONE]. */
function stream(res, body, pieces, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (choices, usageField = null) => res.write(`data: ${JSON.stringify({
    id: 'chatcmpl-rlm', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices, usage: usageField,
  })}\n\n`);
  const delta = (d, finish = null) => chunk([{ index: 0, delta: d, finish_reason: finish }]);
  delta({ role: 'assistant', content: '' });
  for (const piece of pieces) delta({ content: piece });
  delta({}, 'stop');
  if (body.stream_options?.include_usage === true) chunk([], usage);
  res.end('data: [DONE]\n\n');
}
