// The gateway's Anthropic front door (/v1/messages, /v1/messages/count_tokens) driven by the official
// `@anthropic-ai/sdk` npm client, the way Claude Code and other Anthropic callers use it. Hermetic: this file starts
// a fake OpenAI upstream (fake-upstream.js), a fake Anthropic upstream (fake-anthropic-upstream.js) and the gateway
// executable pointed at both and at the repository's local models, then compares what the client gets with what each
// upstream said, and what the upstreams got with what the client sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { MODELS, TEXT, TEXT_PIECES, TEXT_USAGE, TOOL_USAGE, UPSTREAM_KEY, startFakeUpstream, toolCallsFor } from './fake-upstream.js';
import {
  ANTHROPIC_UPSTREAM_KEY, CLAUDE_COUNT, CLAUDE_MODEL, CLAUDE_TEXT, CLAUDE_USAGE, SIGNATURE, THINKING, startFakeAnthropic,
} from './fake-anthropic-upstream.js';
import { REPO_ROOT, startGateway, stopGateway } from './gateway-process.js';
import { ALPHABET, ALPHABET_PROMPT, ALPHABET_PROMPT_TOKENS, LOCAL_MODEL } from './local-model.js';

const GATEWAY_KEY = 'gw-anthropic-client-key';

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather in a city.',
    input_schema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
  { name: 'get_time', description: 'Local time in a time zone.', input_schema: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
];
// What the client must receive: the OpenAI upstream's calls, inputs as JSON values.
const EXPECTED_CALLS = toolCallsFor(TOOLS.map((tool) => ({ function: tool }))).map((call) => ({ name: call.name, input: JSON.parse(call.arguments) }));

// Every request is bounded twice: by the client's own timeout and by the test's.
const TEST = { timeout: 60_000 };

describe('Gateway through the official @anthropic-ai/sdk client', () => {
  let upstream;
  let anthropic;
  let gateway;
  let client;

  before(async () => {
    upstream = await startFakeUpstream();
    anthropic = await startFakeAnthropic();
    gateway = await startGateway({
      OPENAI_API_KEY: UPSTREAM_KEY,
      OPENAI_BASE_URL: upstream.baseUrl,
      ANTHROPIC_API_KEY: ANTHROPIC_UPSTREAM_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      MODELS_DIR: path.join(REPO_ROOT, '..', 'shared', 'models'),
      GATEWAY_API_KEYS: `some-other-key,${GATEWAY_KEY}`,
    });
    client = newClient(GATEWAY_KEY);
  }, { timeout: 120_000 });

  after(async () => {
    await stopGateway(gateway);
    await upstream?.close();
    await anthropic?.close();
    // Beside the openai client tests' log, which runs in its own process at the same time.
    if (gateway && process.env.GATEWAY_LOG_FILE) await writeFile(process.env.GATEWAY_LOG_FILE.replace(/(\.log)?$/, '-anthropic.log'), `${gateway.log.join('\n')}\n`);
  });

  // The SDK sends the key as x-api-key; maxRetries 0: a failure must show as itself, not be retried away.
  const newClient = (apiKey) => new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0, timeout: 30_000 });
  const user = (content) => [{ role: 'user', content }];

  it('messages.create over an OpenAI upstream: the text, end_turn and its usage, the request translated', TEST, async () => {
    const message = await client.messages.create({
      model: MODELS.chat, max_tokens: 300, temperature: 0.3, system: 'Be brief.', metadata: { user_id: 'user-42' }, messages: user('create over openai'),
    });

    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, MODELS.chat);
    assert.deepEqual(message.content, [{ type: 'text', text: TEXT }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.deepEqual(message.usage, {
      input_tokens: TEXT_USAGE.prompt_tokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: TEXT_USAGE.completion_tokens,
    });
    const sent = upstream.chatRequestWith('create over openai');
    assert.equal(sent.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.deepEqual(
      { max_tokens: sent.body.max_tokens, temperature: sent.body.temperature, user: sent.body.user, messages: sent.body.messages },
      { max_tokens: 300, temperature: 0.3, user: 'user-42', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'create over openai' }] },
    );
  });

  it('messages.stream: text events in the upstream\'s pieces, and finalMessage() with the whole usage', TEST, async () => {
    const stream = client.messages.stream({ model: MODELS.chat, max_tokens: 300, messages: user('stream over openai') });
    const pieces = [];
    stream.on('text', (text) => pieces.push(text));
    const final = await stream.finalMessage();

    assert.deepEqual(pieces, TEXT_PIECES);
    assert.deepEqual(final.content, [{ type: 'text', text: TEXT }]);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.input_tokens, TEXT_USAGE.prompt_tokens);
    assert.equal(final.usage.output_tokens, TEXT_USAGE.completion_tokens);
  });

  it('a tool round trip: tool_use blocks streamed with their inputs, tool_result sent back reaches the upstream', TEST, async () => {
    const question = user('tool round trip please');
    const stream = client.messages.stream({ model: MODELS.chat, max_tokens: 300, tools: TOOLS, tool_choice: { type: 'auto' }, messages: question });
    const inputs = [];
    stream.on('contentBlock', (block) => { if (block.type === 'tool_use') inputs.push({ name: block.name, input: block.input }); });
    const final = await stream.finalMessage();

    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(final.usage.output_tokens, TOOL_USAGE.completion_tokens);
    const calls = final.content.filter((block) => block.type === 'tool_use');
    assert.deepEqual(calls.map(({ name, input }) => ({ name, input })), EXPECTED_CALLS);
    assert.deepEqual(inputs, EXPECTED_CALLS);

    // Pass-through: the gateway ran one model turn, so the caller runs the tools and sends their results back.
    const results = { role: 'user', content: calls.map((call, i) => ({ type: 'tool_result', tool_use_id: call.id, content: `round-trip result ${i}` })) };
    const answer = await client.messages.create({ model: MODELS.chat, max_tokens: 300, tools: TOOLS, messages: [...question, { role: 'assistant', content: final.content }, results] });

    assert.deepEqual(answer.content, [{ type: 'text', text: TEXT }]);
    const sent = upstream.chatRequestWith('round-trip result 0').body.messages;
    assert.deepEqual(sent.slice(1).map((m) => ({ ...m, tool_calls: m.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, input: JSON.parse(c.function.arguments) })) })), [
      { role: 'assistant', content: null, tool_calls: calls.map(({ id, name, input }) => ({ id, name, input })) },
      ...calls.map((call, i) => ({ role: 'tool', tool_call_id: call.id, content: `round-trip result ${i}`, tool_calls: undefined })),
    ]);
  });

  it('over an Anthropic upstream: thinking with its signature, cache usage, and the caller\'s budget forwarded', TEST, async () => {
    const stream = client.messages.stream({
      model: CLAUDE_MODEL, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: user('think over anthropic'),
    });
    const thinking = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    stream.on('signature', (signature) => thinking.push(`signed ${signature}`));
    const final = await stream.finalMessage();

    assert.deepEqual(thinking, [THINKING, `signed ${SIGNATURE}`]);
    assert.deepEqual(final.content, [{ type: 'thinking', thinking: THINKING, signature: SIGNATURE }, { type: 'text', text: CLAUDE_TEXT }]);
    assert.deepEqual(final.usage, CLAUDE_USAGE);
    const sent = anthropic.requests.find((r) => r.url === '/v1/messages' && JSON.stringify(r.body.messages).includes('think over anthropic'));
    assert.equal(sent.headers['x-api-key'], ANTHROPIC_UPSTREAM_KEY);
    assert.deepEqual({ max_tokens: sent.body.max_tokens, thinking: sent.body.thinking }, { max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } });

    // The signed thinking goes back to an Anthropic upstream with the next turn, as Anthropic requires it.
    const next = await client.messages.create({
      model: CLAUDE_MODEL, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [...user('think over anthropic'), { role: 'assistant', content: final.content }, ...user('and again')],
    });
    assert.deepEqual(next.content.at(-1), { type: 'text', text: CLAUDE_TEXT });
    const replayed = anthropic.requests.find((r) => r.url === '/v1/messages' && JSON.stringify(r.body.messages).includes('and again'));
    assert.deepEqual(replayed.body.messages[1].content[0], { type: 'thinking', thinking: THINKING, signature: SIGNATURE });
  });

  it('countTokens: the local tokenizer\'s count, and the Anthropic upstream\'s own', TEST, async () => {
    const local = await client.messages.countTokens({ model: LOCAL_MODEL, messages: user(ALPHABET_PROMPT) });
    const remote = await client.messages.countTokens({ model: CLAUDE_MODEL, system: 'Be brief.', messages: user('count over anthropic') });

    assert.deepEqual(local, { input_tokens: ALPHABET_PROMPT_TOKENS });
    assert.deepEqual(remote, { input_tokens: CLAUDE_COUNT });
  });

  it('a local model: max_tokens cuts the alphabet with stop_reason max_tokens, streamed and whole, with its real usage', TEST, async () => {
    const whole = await client.messages.create({ model: LOCAL_MODEL, max_tokens: 5, messages: user(ALPHABET_PROMPT) });
    const stream = client.messages.stream({ model: `local/${LOCAL_MODEL}`, max_tokens: 100, messages: user(ALPHABET_PROMPT) });
    const final = await stream.finalMessage();

    assert.deepEqual(whole.content, [{ type: 'text', text: ALPHABET.slice(0, 5) }]);
    assert.equal(whole.stop_reason, 'max_tokens');
    assert.deepEqual(whole.usage, { input_tokens: ALPHABET_PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 });
    assert.deepEqual(final.content, [{ type: 'text', text: ALPHABET }]);
    assert.equal(final.stop_reason, 'end_turn');
  });

  it('errors are the SDK\'s error classes: AuthenticationError, NotFoundError, BadRequestError, RateLimitError', TEST, async () => {
    const before = upstream.requests.length;
    assertApiError(await failure(newClient('not-a-gateway-key').messages.create({ model: MODELS.chat, max_tokens: 5, messages: user('never') })), Anthropic.AuthenticationError, 401, 'authentication_error');
    assertApiError(await failure(client.messages.create({ model: 'no-such-model', max_tokens: 5, messages: user('unknown') })), Anthropic.NotFoundError, 404, 'not_found_error');
    assertApiError(await failure(client.messages.create({ model: MODELS.chat, messages: user('no max_tokens') })), Anthropic.BadRequestError, 400, 'invalid_request_error');
    assert.equal(upstream.requests.length, before, 'a refused request must not reach the upstream');
    assertApiError(await failure(client.messages.create({ model: MODELS.overloaded, max_tokens: 5, messages: user('rate limited') })), Anthropic.RateLimitError, 429, 'rate_limit_error');
  });

  it('an upstream that breaks off mid-stream is an error event the SDK throws, after the text so far', TEST, async () => {
    const stream = client.messages.stream({ model: MODELS.cut, max_tokens: 50, messages: user('cut off, streamed') });
    const pieces = [];
    stream.on('text', (text) => pieces.push(text));
    const error = await failure(stream.finalMessage());

    assert.ok(error instanceof Anthropic.APIError, `expected APIError, got ${error}`);
    assert.deepEqual(pieces, [TEXT_PIECES[0]]);
  });
});

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

function assertApiError(error, type, status, errorType) {
  assert.ok(error instanceof type, `expected ${type.name}, got ${error?.constructor?.name}: ${error}`);
  assert.equal(error.status, status);
  assert.equal(error.error?.type, 'error');
  assert.equal(error.error?.error?.type, errorType);
  assert.equal(typeof error.error?.error?.message, 'string');
}
