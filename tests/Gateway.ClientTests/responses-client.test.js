// The gateway's Responses API door (POST /v1/responses) driven by the official `openai` npm client, as Codex-style
// callers use it: whole and streamed (the SDK's stream helpers), a function-call round trip, previous_response_id and
// its 404. Hermetic: a fake OpenAI chat-completions upstream (fake-upstream.js), so every answer here was translated
// both ways, and the repository's local models.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import OpenAI from 'openai';
import { MODELS, TEXT, TEXT_PIECES, TEXT_USAGE, TOOL_USAGE, UPSTREAM_KEY, startFakeUpstream, toolCallsFor } from './fake-upstream.js';
import { REPO_ROOT, startGateway, stopGateway } from './gateway-process.js';

const GATEWAY_KEY = 'gw-responses-test-key';
const LOCAL_MODEL = 'successor-tiny';
const TEST = { timeout: 60_000 };

// Flat function tools, as the Responses API takes them; the fake upstream calls each (chat-completions shape).
const TOOLS = [
  { type: 'function', name: 'get_weather', description: 'Current weather in a city.', strict: false,
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] } },
];
const EXPECTED_CALLS = toolCallsFor(TOOLS.map((tool) => ({ function: tool })));

// The usage the Responses API reports for the upstream's chat-completions usage.
const responsesUsage = (usage) => ({
  input_tokens: usage.prompt_tokens, input_tokens_details: { cached_tokens: 0 },
  output_tokens: usage.completion_tokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.total_tokens,
});

describe('Gateway /v1/responses through the official openai client', () => {
  let upstream;
  let gateway;
  let client;

  before(async () => {
    upstream = await startFakeUpstream();
    gateway = await startGateway({
      OPENAI_API_KEY: UPSTREAM_KEY,
      OPENAI_BASE_URL: upstream.baseUrl,
      MODELS_DIR: path.join(REPO_ROOT, '..', 'shared', 'models'),
      GATEWAY_API_KEYS: GATEWAY_KEY,
    });
    // maxRetries 0: a failure must show as itself, not be retried away by the SDK.
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0, timeout: 30_000 });
  }, { timeout: 120_000 });

  after(async () => {
    await stopGateway(gateway);
    await upstream?.close();
  });

  it('whole: the upstream text as one message item, its usage, the instructions as the system message', TEST, async () => {
    const response = await client.responses.create({ model: MODELS.chat, instructions: 'Be brief.', input: 'whole-marker' });

    assert.match(response.id, /^resp_[0-9a-f]{48}$/);
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, TEXT);
    assert.equal(response.output.length, 1);
    assert.equal(response.output[0].type, 'message');
    assert.deepEqual(response.usage, responsesUsage(TEXT_USAGE));
    const sent = upstream.chatRequestWith('whole-marker').body;
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'whole-marker' }]);
  });

  it('streamed with the SDK helper: the text in its deltas, numbered events, and finalResponse() the whole response', TEST, async () => {
    const stream = client.responses.stream({ model: MODELS.chat, input: 'stream-marker' });
    const deltas = [];
    const types = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    stream.on('event', (event) => types.push([event.type, event.sequence_number]));
    const response = await stream.finalResponse();

    assert.deepEqual(deltas, TEXT_PIECES);
    assert.equal(response.output_text, TEXT);
    assert.deepEqual(response.usage, responsesUsage(TEXT_USAGE));
    assert.deepEqual(types.map(([, sequence]) => sequence), types.map((_, i) => i));
    assert.deepEqual(types.map(([type]) => type).filter((type) => !type.endsWith('.delta')), [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
  });

  it('a function call round trip: the call as a function_call item, its output back with previous_response_id', TEST, async () => {
    const first = await client.responses.create({ model: MODELS.chat, tools: TOOLS, input: 'tool-marker: weather in Paris?' });
    const calls = first.output.filter((item) => item.type === 'function_call');
    assert.deepEqual(calls.map((call) => [call.call_id, call.name, JSON.parse(call.arguments)]),
      EXPECTED_CALLS.map((call) => [call.id, call.name, JSON.parse(call.arguments)]));
    assert.deepEqual(first.usage, responsesUsage(TOOL_USAGE));

    const second = await client.responses.create({
      model: MODELS.chat, tools: TOOLS, previous_response_id: first.id,
      input: calls.map((call) => ({ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' })),
    });

    assert.equal(second.output_text, TEXT);
    assert.equal(second.previous_response_id, first.id);
    // The first request's input and the call, then the output, in chat-completions terms.
    const sent = upstream.requests.filter((r) => r.url === '/v1/chat/completions' && JSON.stringify(r.body.messages).includes('tool-marker')).at(-1).body;
    const [user, assistant, tool] = sent.messages;
    assert.equal(user.content, 'tool-marker: weather in Paris?');
    assert.deepEqual(assistant.tool_calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)]),
      EXPECTED_CALLS.map((call) => [call.id, call.name, JSON.parse(call.arguments)]));
    assert.deepEqual(tool, { role: 'tool', tool_call_id: EXPECTED_CALLS[0].id, content: '{"temperature":21}' });
  });

  it('a streamed function call: its arguments in deltas, assembled by the stream helper into the final function_call item', TEST, async () => {
    const stream = client.responses.stream({ model: MODELS.chat, tools: TOOLS, input: 'stream-tool-marker: weather?' });
    const deltas = [];
    stream.on('response.function_call_arguments.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();

    const [call] = response.output.filter((item) => item.type === 'function_call');
    assert.deepEqual([call.call_id, call.name, call.arguments], [EXPECTED_CALLS[0].id, EXPECTED_CALLS[0].name, EXPECTED_CALLS[0].arguments]);
    assert.equal(deltas.join(''), EXPECTED_CALLS[0].arguments);
    assert.ok(deltas.length > 1, `arguments in one piece: ${deltas}`);
    assert.equal(response.status, 'completed');
  });

  it('an unknown previous_response_id is a NotFoundError (404) with OpenAI\'s message and code', TEST, async () => {
    await assert.rejects(
      client.responses.create({ model: MODELS.chat, previous_response_id: 'resp_unknown', input: 'again' }),
      (error) => error instanceof OpenAI.NotFoundError && error.status === 404 && error.code === 'previous_response_not_found'
        && error.message.includes("Previous response with id 'resp_unknown' not found."));
  });

  it('local model: max_output_tokens makes the response incomplete, whole and streamed', TEST, async () => {
    const whole = await client.responses.create({ model: LOCAL_MODEL, max_output_tokens: 5, input: 'Hi' });
    const streamed = await client.responses.stream({ model: LOCAL_MODEL, max_output_tokens: 5, input: 'Hi' }).finalResponse();

    for (const response of [whole, streamed]) {
      assert.equal(response.output_text, 'ABCDE');
      assert.equal(response.status, 'incomplete');
      assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
      assert.equal(response.usage.output_tokens, 5);
    }
  });
});
