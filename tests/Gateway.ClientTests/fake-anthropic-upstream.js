// A stand-in for Anthropic's Messages API, in plain node:http, that the gateway under test is pointed at
// (ANTHROPIC_BASE_URL). It streams the way the real API does (https://docs.anthropic.com/en/docs/build-with-claude/streaming),
// thinking with its signature included, so the tests can check that an Anthropic upstream's answer reaches an Anthropic
// client intact, and it records every request so the tests can check what the gateway forwarded.
import { startRecordingServer } from './recording-server.js';

export const CLAUDE_MODEL = 'fake-claude';

/** The key the gateway must present upstream (its ANTHROPIC_API_KEY), never the caller's gateway key. */
export const ANTHROPIC_UPSTREAM_KEY = 'sk-ant-fake-upstream-key';

export const THINKING = 'The user greets me; a short answer will do.';
export const SIGNATURE = 'EqQBCgIYAhIMfakeSignature==';
export const CLAUDE_TEXT_PIECES = Object.freeze(['Bonjour', ', ça', ' va ✓']);
export const CLAUDE_TEXT = CLAUDE_TEXT_PIECES.join('');
/** Anthropic's usage: input_tokens leave out the cache reads and writes. */
export const CLAUDE_USAGE = Object.freeze({ input_tokens: 12, cache_creation_input_tokens: 30, cache_read_input_tokens: 2048, output_tokens: 21 });
export const CLAUDE_COUNT = 4321;

/** Starts the upstream on a free loopback port; resolves to `{ baseUrl, requests, close }`. */
export async function startFakeAnthropic() {
  const { origin, requests, close } = await startRecordingServer(answer);
  return { baseUrl: origin, requests, close };
}

function answer(request, res) {
  if (request.body === undefined) return sendError(res, 400, 'invalid_request_error', 'The request body is not valid JSON.');
  if (request.headers['x-api-key'] !== ANTHROPIC_UPSTREAM_KEY || !request.headers['anthropic-version']) {
    return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
  }
  if (request.method === 'GET' && request.url.startsWith('/v1/models')) {
    return sendJson(res, 200, { data: [{ type: 'model', id: CLAUDE_MODEL, display_name: 'Fake Claude', created_at: '2026-01-01T00:00:00Z' }], has_more: false });
  }
  if (request.method === 'POST' && request.url === '/v1/messages/count_tokens') {
    return sendJson(res, 200, { input_tokens: CLAUDE_COUNT });
  }
  if (request.method !== 'POST' || request.url !== '/v1/messages') {
    return sendError(res, 404, 'not_found_error', `Unknown route ${request.method} ${request.url}`);
  }
  const body = request.body;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (data) => res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  const usage = { ...CLAUDE_USAGE, output_tokens: 1 };
  send({ type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model: body.model, stop_reason: null, stop_sequence: null, usage } });
  let index = 0;
  if (body.thinking?.type === 'enabled') {
    send({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    send({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: THINKING } });
    send({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: SIGNATURE } });
    send({ type: 'content_block_stop', index: index++ });
  }
  send({ type: 'ping' });
  send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
  for (const text of CLAUDE_TEXT_PIECES) send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  send({ type: 'content_block_stop', index });
  send({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CLAUDE_USAGE.output_tokens } });
  send({ type: 'message_stop' });
  res.end();
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res, status, type, message) {
  sendJson(res, status, { type: 'error', error: { type, message } });
}
