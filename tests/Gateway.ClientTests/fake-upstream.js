// A stand-in for OpenAI's API, in plain node:http, that the gateway under test is pointed at (OPENAI_BASE_URL).
// It answers the way the real API does (https://platform.openai.com/docs/api-reference/chat/streaming), so the
// tests can compare what the openai client finally sees with exactly what this upstream said, and it records every
// request so the tests can check what the gateway forwarded.
import { startRecordingServer } from './recording-server.js';

/**
 * The models this upstream lists. All but `chat` always fail, for the error-path tests: overloaded with 429, broken
 * with 500, and cut by breaking off its stream after the first text delta.
 */
export const MODELS = Object.freeze({ chat: 'fake-gpt', overloaded: 'fake-overloaded', broken: 'fake-broken', cut: 'fake-cut' });

/** The key the gateway must present upstream (its OPENAI_API_KEY), never the caller's gateway key. */
export const UPSTREAM_KEY = 'sk-fake-upstream-key';

/** The text reply, as the content deltas it is streamed in; non-ASCII so a mangled UTF-8 boundary would show. */
export const TEXT_PIECES = Object.freeze(['Hello', ' from the', ' fake upstream:', ' ça va ✓']);
export const TEXT = TEXT_PIECES.join('');
export const TEXT_USAGE = Object.freeze({ prompt_tokens: 17, completion_tokens: 9, total_tokens: 26 });

/**
 * The arguments of the tool calls this upstream makes, one per offered tool (at most two), each streamed in
 * fragments that split the JSON mid-token, as real models do.
 */
export const TOOL_ARGUMENT_PIECES = Object.freeze([
  Object.freeze(['{"city":', '"Par', 'is","unit":"cel', 'sius"}']),
  Object.freeze(['{"time', 'zone":"Europe/', 'Paris"}']),
]);
export const TOOL_USAGE = Object.freeze({ prompt_tokens: 23, completion_tokens: 12, total_tokens: 35 });

/** The tool calls this upstream answers a request offering `tools` with: `{id, name, arguments}` each. */
export function toolCallsFor(tools) {
  return tools.slice(0, TOOL_ARGUMENT_PIECES.length).map((tool, i) => ({
    id: `call_fake_${i}`,
    name: tool.function.name,
    arguments: TOOL_ARGUMENT_PIECES[i].join(''),
  }));
}

// One id and timestamp for every chunk of a completion, as OpenAI sends them.
const COMPLETION_ID = 'chatcmpl-fake-upstream';
const CREATED = 1_700_000_000;

/** Starts the upstream on a free loopback port; resolves to `{ baseUrl, requests, chatRequestWith, close }`. */
export async function startFakeUpstream() {
  const { origin, requests, close } = await startRecordingServer(answer);
  return {
    baseUrl: `${origin}/v1`,
    requests,
    /**
     * The one chat request whose messages carry `marker` (each test sends its own, none a part of another), so tests
     * need not rely on request order.
     */
    chatRequestWith(marker) {
      const found = requests.filter((r) => r.url === '/v1/chat/completions' && JSON.stringify(r.body?.messages ?? []).includes(marker));
      if (found.length !== 1) {
        throw new Error(`expected one upstream chat request containing ${JSON.stringify(marker)}, got ${found.length}`);
      }
      return found[0];
    },
    close,
  };
}

function answer(request, res) {
  if (request.body === undefined) return sendError(res, 400, 'The request body is not valid JSON.', 'invalid_request_error', null);
  if (request.headers.authorization !== `Bearer ${UPSTREAM_KEY}`) {
    return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  }
  if (request.method === 'GET' && request.url === '/v1/models') {
    const data = Object.values(MODELS).map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake-org' }));
    return sendJson(res, 200, { object: 'list', data });
  }
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    return sendError(res, 404, `Unknown route ${request.method} ${request.url}`, 'invalid_request_error', 'unknown_url');
  }
  const body = request.body ?? {};
  // Retry-After: 0 so the gateway's own retries (README: twice, honouring Retry-After) cost no waiting.
  if (body.model === MODELS.overloaded) {
    return sendError(res, 429, 'Rate limit reached for fake-overloaded.', 'requests', 'rate_limit_exceeded', { 'retry-after': '0' });
  }
  if (body.model === MODELS.broken) {
    return sendError(res, 500, 'The server had an error while processing your request.', 'server_error', null, { 'retry-after': '0' });
  }
  if (body.model === MODELS.cut) {
    return breakOff(res, body);
  }
  if (body.model !== MODELS.chat) {
    return sendError(res, 404, `The model \`${body.model}\` does not exist.`, 'invalid_request_error', 'model_not_found');
  }
  // A tool call while tools are offered, except right after tool results, when the model answers in text.
  const lastRole = body.messages?.at(-1)?.role;
  const calls = body.tools?.length > 0 && lastRole !== 'tool' ? toolCallsFor(body.tools) : [];
  if (body.stream === true) {
    streamReply(res, body, calls);
  } else {
    sendJson(res, 200, wholeReply(body, calls));
  }
}

/** A non-streamed `chat.completion`, for a gateway that asks for one. */
function wholeReply(body, calls) {
  const message = calls.length > 0
    ? { role: 'assistant', content: null, refusal: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
    : { role: 'assistant', content: TEXT, refusal: null };
  return {
    id: COMPLETION_ID, object: 'chat.completion', created: CREATED, model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
    usage: calls.length > 0 ? TOOL_USAGE : TEXT_USAGE,
  };
}

/** The same reply as server-sent events: role, content or tool-call deltas, finish_reason, usage if asked, [DONE]. */
function streamReply(res, body, calls) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const withUsage = body.stream_options?.include_usage === true;
  // Like OpenAI, every chunk carries "usage": null when usage was asked for, and the usage chunk has no choices.
  const chunk = (choices, usage = null) => {
    const data = { id: COMPLETION_ID, object: 'chat.completion.chunk', created: CREATED, model: body.model, system_fingerprint: null, choices };
    if (withUsage) data.usage = usage;
    res.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const delta = (d, finishReason = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

  if (calls.length === 0) {
    delta({ role: 'assistant', content: '', refusal: null });
    for (const piece of TEXT_PIECES) delta({ content: piece });
    delta({}, 'stop');
  } else {
    delta({ role: 'assistant', content: null, refusal: null });
    calls.forEach((call, index) => {
      // The first delta of a call names it; the following ones carry only argument fragments.
      delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
      for (const piece of TOOL_ARGUMENT_PIECES[index]) delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    delta({}, 'tool_calls');
  }
  if (withUsage) chunk([], calls.length > 0 ? TOOL_USAGE : TEXT_USAGE);
  res.end('data: [DONE]\n\n');
}

/** A stream that starts like streamReply's but whose connection drops after the first text delta: no finish, no [DONE]. */
function breakOff(res, body) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const delta = (d) => `data: ${JSON.stringify({ id: COMPLETION_ID, object: 'chat.completion.chunk', created: CREATED, model: body.model, choices: [{ index: 0, delta: d, finish_reason: null }] })}\n\n`;
  res.write(delta({ role: 'assistant', content: '' }));
  res.write(delta({ content: TEXT_PIECES[0] }), () => res.socket.destroy());
}

function sendJson(res, status, value, headers = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res, status, message, type, code, headers = {}) {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}
