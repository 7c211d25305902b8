// The gateway's OpenAI-compatible front door (/v1/models, /v1/chat/completions) driven by the official `openai`
// npm client, the way a real caller uses it. Hermetic: this file starts a fake OpenAI upstream (fake-upstream.js)
// and the gateway executable pointed at it and at the repository's local models, then compares what the client
// gets with what the upstream said, and what the upstream got with what the client sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { MODELS, TEXT, TEXT_PIECES, TEXT_USAGE, TOOL_USAGE, UPSTREAM_KEY, startFakeUpstream, toolCallsFor } from './fake-upstream.js';
import { REPO_ROOT, startGateway, stopGateway } from './gateway-process.js';
import { ALPHABET, ALPHABET_PROMPT, ALPHABET_PROMPT_TOKENS, LOCAL_MODEL } from './local-model.js';

const GATEWAY_KEY = 'gw-client-test-key';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather in a city.',
      parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'Local time in a time zone.',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
    },
  },
];
// What the client must receive: the upstream's calls, arguments compared as JSON values.
const EXPECTED_CALLS = toolCallsFor(TOOLS).map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) }));

// Every request is bounded twice: by the client's own timeout and by the test's.
const TEST = { timeout: 60_000 };

describe('Gateway through the official openai client', () => {
  let upstream;
  let gateway;
  let client;

  before(async () => {
    upstream = await startFakeUpstream();
    gateway = await startGateway({
      OPENAI_API_KEY: UPSTREAM_KEY,
      OPENAI_BASE_URL: upstream.baseUrl,
      MODELS_DIR: path.join(REPO_ROOT, '..', 'shared', 'models'),
      GATEWAY_API_KEYS: `some-other-key,${GATEWAY_KEY}`,
    });
    client = newClient(GATEWAY_KEY);
  }, { timeout: 120_000 });

  after(async () => {
    await stopGateway(gateway);
    await upstream?.close();
    // The gateway's own log explains a failure from its side; test.sh keeps it beside the other results.
    if (gateway && process.env.GATEWAY_LOG_FILE) await writeFile(process.env.GATEWAY_LOG_FILE, `${gateway.log.join('\n')}\n`);
  });

  // maxRetries 0: a failure must show as itself, not be retried away by the SDK.
  const newClient = (apiKey) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });
  const user = (content) => [{ role: 'user', content }];

  it('lists the upstream models and the local models', TEST, async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);

    for (const id of [MODELS.chat, LOCAL_MODEL, 'stories260K']) assert.ok(ids.includes(id), `${id} missing from ${ids}`);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids}`);
    for (const model of page.data) {
      assert.equal(model.object, 'model');
      assertUnixSeconds(model.created);
      assert.equal(typeof model.owned_by, 'string');
    }
  });

  it('retrieves one model, also as provider/id (the SDK encodes the slash), and 404s an unknown one', TEST, async () => {
    const local = await client.models.retrieve(`local/${LOCAL_MODEL}`);
    assert.deepEqual([local.id, local.object, local.owned_by], [`local/${LOCAL_MODEL}`, 'model', 'local']);
    assertUnixSeconds(local.created);
    assert.equal((await client.models.retrieve(MODELS.chat)).id, MODELS.chat);
    assertApiError(await failure(client.models.retrieve('no-such-model')), OpenAI.NotFoundError, 404);
  });

  it('answers without the SDK too: /health needs no key, /v1/models is an OpenAI list, a missing key is a 401 error object', TEST, async () => {
    assert.equal((await fetch(`${gateway.url}/health`)).status, 200);

    const listed = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    assert.equal(listed.status, 200);
    assert.equal((await listed.json()).object, 'list');

    const refused = await fetch(`${gateway.url}/v1/models`);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('content-type'), /^application\/json/);
    assertErrorObject((await refused.json()).error);
  });

  it('non-streaming: the upstream text, finish_reason stop, its usage, and the parameters forwarded', TEST, async () => {
    const marker = 'Say hello, whole.';
    const completion = await client.chat.completions.create({
      model: MODELS.chat,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: marker }],
      temperature: 0.25,
      top_p: 0.5,
      max_tokens: 33,
      stop: ['END', 'STOP'],
      user: 'client-test-user',
    });

    assert.equal(completion.object, 'chat.completion');
    assertId(completion.id);
    assertUnixSeconds(completion.created);
    assert.equal(completion.choices.length, 1);
    const [choice] = completion.choices;
    assert.equal(choice.index, 0);
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, TEXT);
    assert.ok(!choice.message.tool_calls?.length, 'no tool calls expected');
    assert.equal(choice.finish_reason, 'stop');
    assert.deepEqual(usageOf(completion), TEXT_USAGE);

    const forwarded = upstream.chatRequestWith(marker);
    assert.equal(forwarded.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.ok(!JSON.stringify(forwarded).includes(GATEWAY_KEY), 'the caller\'s gateway key must not reach the upstream');
    const sent = forwarded.body;
    assert.equal(sent.model, MODELS.chat);
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: marker }]);
    assert.equal(sent.temperature, 0.25);
    assert.equal(sent.top_p, 0.5);
    // Either spelling of the limit is OpenAI's; newer models accept only max_completion_tokens.
    assert.equal(sent.max_tokens ?? sent.max_completion_tokens, 33);
    assert.deepEqual(sent.stop, ['END', 'STOP']);
    assert.equal(sent.tools, undefined);
  });

  it('addresses an upstream model as openai/<id> and forwards the bare id; text parts reach the upstream', TEST, async () => {
    const marker = 'explicit provider prefix';
    const completion = await client.chat.completions.create({
      model: `openai/${MODELS.chat}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: marker }, { type: 'text', text: 'second part' }] }],
    });

    assert.equal(completion.choices[0].message.content, TEXT);
    const sent = upstream.chatRequestWith(marker).body;
    assert.equal(sent.model, MODELS.chat);
    const forwardedText = JSON.stringify(sent.messages[0].content);
    assert.ok(forwardedText.includes(marker) && forwardedText.includes('second part'), forwardedText);
  });

  it('an image part by URL reaches the upstream as that URL with its detail; a local model refuses it as a BadRequestError', TEST, async () => {
    const marker = 'What is in this picture?';
    const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } };

    const completion = await client.chat.completions.create({ model: MODELS.chat, messages: user([{ type: 'text', text: marker }, image]) });

    assert.equal(completion.choices[0].message.content, TEXT);
    assert.deepEqual(upstream.chatRequestWith(marker).body.messages[0].content, [{ type: 'text', text: marker }, image]);
    const refused = await failure(client.chat.completions.create({ model: LOCAL_MODEL, messages: user([{ type: 'text', text: marker }, image]) }));
    assertApiError(refused, OpenAI.BadRequestError, 400);
    assert.equal(refused.param, 'messages[0].content[1]');
  });

  it('streaming with include_usage: role first, one id, the upstream text, finish_reason stop, then a usage chunk', TEST, async () => {
    const marker = 'Say hello, streamed.';
    const chunks = await collect(await client.chat.completions.create({
      model: MODELS.chat,
      messages: user(marker),
      stream: true,
      stream_options: { include_usage: true },
    }));

    assertChunkEnvelope(chunks);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(textOf(chunks), TEXT);
    assert.deepEqual(finishReasonsOf(chunks), ['stop']);
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.deepEqual(usageOf(last), TEXT_USAGE);
    assert.equal(chunks.slice(0, -1).filter((chunk) => chunk.usage != null).length, 0, 'usage only on the last chunk');
    assert.equal(upstream.chatRequestWith(marker).body.model, MODELS.chat);
  });

  it('streaming without include_usage sends no usage', TEST, async () => {
    const chunks = await collect(await client.chat.completions.create({ model: MODELS.chat, messages: user('stream, no usage'), stream: true }));

    assertChunkEnvelope(chunks);
    assert.equal(textOf(chunks), TEXT);
    assert.deepEqual(finishReasonsOf(chunks), ['stop']);
    assert.deepEqual(chunks.filter((chunk) => chunk.usage != null), []);
  });

  it('non-streaming tool call: the upstream\'s calls with JSON arguments, finish_reason tool_calls; tools and tool_choice forwarded', TEST, async () => {
    const marker = 'Call the tools, whole.';
    const completion = await client.chat.completions.create({ model: MODELS.chat, messages: user(marker), tools: TOOLS, tool_choice: 'required' });

    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, null);
    assertToolCalls(choice.message.tool_calls);
    assert.deepEqual(usageOf(completion), TOOL_USAGE);

    const sent = upstream.chatRequestWith(marker).body;
    assert.deepEqual(sent.tools, TOOLS);
    assert.equal(sent.tool_choice, 'required');
  });

  it('streaming tool call: each call by index, named in its first delta, arguments in fragments', TEST, async () => {
    const marker = 'Call the tools, streamed.';
    const toolChoice = { type: 'function', function: { name: 'get_weather' } };
    const chunks = await collect(await client.chat.completions.create({
      model: MODELS.chat,
      messages: user(marker),
      tools: TOOLS,
      tool_choice: toolChoice,
      stream: true,
      stream_options: { include_usage: true },
    }));

    assertChunkEnvelope(chunks);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(textOf(chunks), '');
    assert.deepEqual(finishReasonsOf(chunks), ['tool_calls']);
    assert.deepEqual(usageOf(chunks.at(-1)), TOOL_USAGE);

    // Rebuild each call from its deltas the way OpenAI's stream defines them: keyed by index.
    const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    const calls = [];
    for (const delta of deltas) {
      if (!calls[delta.index]) {
        assert.equal(delta.type, 'function', 'the first delta of a call carries its type');
        assertId(delta.id);
        calls[delta.index] = { id: delta.id, type: 'function', function: { name: delta.function.name, arguments: '' } };
      } else {
        assert.ok(delta.function?.name == null || delta.function.name === calls[delta.index].function.name, 'a call is named once');
      }
      calls[delta.index].function.arguments += delta.function?.arguments ?? '';
    }
    assertToolCalls(calls);
    assert.deepEqual(upstream.chatRequestWith(marker).body.tool_choice, toolChoice);
  });

  it('the SDK\'s stream helper assembles the tool calls, and tool results sent back reach the upstream', TEST, async () => {
    const question = user('tool round trip please');
    const stream = client.chat.completions.stream({ model: MODELS.chat, messages: question, tools: TOOLS });
    const done = [];
    stream.on('tool_calls.function.arguments.done', (event) => done.push({ name: event.name, arguments: JSON.parse(event.arguments) }));
    const final = await stream.finalChatCompletion();

    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    const { tool_calls: toolCalls } = final.choices[0].message;
    assertToolCalls(toolCalls);
    assert.deepEqual(done, EXPECTED_CALLS);

    // Pass-through: the gateway ran one model turn, so the caller runs the tools and sends their results back.
    const results = toolCalls.map((call, i) => ({ role: 'tool', tool_call_id: call.id, content: `round-trip result ${i}` }));
    const assistant = { role: 'assistant', content: null, tool_calls: toolCalls.map(({ id, type, function: f }) => ({ id, type, function: { name: f.name, arguments: f.arguments } })) };
    const answer = await client.chat.completions.create({ model: MODELS.chat, messages: [...question, assistant, ...results], tools: TOOLS });

    assert.equal(answer.choices[0].message.content, TEXT);
    assert.equal(answer.choices[0].finish_reason, 'stop');
    const sent = upstream.chatRequestWith('round-trip result 0').body.messages;
    // Arguments compared as JSON values: re-serialising them upstream is fine, changing them is not.
    const normalised = sent.map((m) => (m.tool_calls ? { ...m, tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) } })) } : m));
    assert.deepEqual(normalised, [
      ...question,
      { ...assistant, tool_calls: assistant.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) } })) },
      ...results,
    ]);
  });

  it('local model, non-streaming: max_tokens cuts the answer with finish_reason length and real usage', TEST, async () => {
    const completion = await client.chat.completions.create({ model: LOCAL_MODEL, messages: user(ALPHABET_PROMPT), max_tokens: 5 });

    const [choice] = completion.choices;
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, ALPHABET.slice(0, 5));
    assert.equal(choice.finish_reason, 'length');
    assert.deepEqual(usageOf(completion), { prompt_tokens: ALPHABET_PROMPT_TOKENS, completion_tokens: 5, total_tokens: ALPHABET_PROMPT_TOKENS + 5 });
  });

  it('local model, non-streaming: an answer that ends by itself has finish_reason stop', TEST, async () => {
    const completion = await client.chat.completions.create({ model: LOCAL_MODEL, messages: user(ALPHABET_PROMPT), max_tokens: 100 });

    assert.equal(completion.choices[0].message.content, ALPHABET);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(usageOf(completion).completion_tokens, ALPHABET.length);
  });

  it('local model as local/<id>, streaming with include_usage and max_tokens', TEST, async () => {
    const chunks = await collect(await client.chat.completions.create({
      model: `local/${LOCAL_MODEL}`,
      messages: user(ALPHABET_PROMPT),
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    }));

    assertChunkEnvelope(chunks);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(textOf(chunks), ALPHABET.slice(0, 5));
    assert.deepEqual(finishReasonsOf(chunks), ['length']);
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.deepEqual(usageOf(chunks.at(-1)), { prompt_tokens: ALPHABET_PROMPT_TOKENS, completion_tokens: 5, total_tokens: ALPHABET_PROMPT_TOKENS + 5 });
  });

  it('a wrong API key is an AuthenticationError (401)', TEST, async () => {
    const stranger = newClient('not-a-gateway-key');
    assertApiError(await failure(stranger.models.list()), OpenAI.AuthenticationError, 401);
    const before = upstream.requests.length;
    assertApiError(await failure(stranger.chat.completions.create({ model: MODELS.chat, messages: user('never forwarded') })), OpenAI.AuthenticationError, 401);
    assert.equal(upstream.requests.length, before, 'a refused request must not reach the upstream');
  });

  it('an unknown model is a NotFoundError (404) naming the model, streaming or not', TEST, async () => {
    for (const stream of [false, true]) {
      const error = await failure(client.chat.completions.create({ model: 'no-such-model', messages: user('unknown model'), stream }));
      assertApiError(error, OpenAI.NotFoundError, 404);
      assert.ok(error.error.message.includes('no-such-model'), error.error.message);
    }
  });

  it('a request without messages is a BadRequestError (400) that never reaches the upstream', TEST, async () => {
    const before = upstream.requests.length;
    assertApiError(await failure(client.chat.completions.create({ model: MODELS.chat })), OpenAI.BadRequestError, 400);
    assert.equal(upstream.requests.length, before);
  });

  it('an upstream that keeps answering 429 is a RateLimitError (429)', TEST, async () => {
    assertApiError(await failure(client.chat.completions.create({ model: MODELS.overloaded, messages: user('rate limited') })), OpenAI.RateLimitError, 429);
  });

  it('an upstream that breaks off mid-answer is an error, not a shorter answer: 5xx whole, an error event streamed', TEST, async () => {
    const whole = await failure(client.chat.completions.create({ model: MODELS.cut, messages: user('cut off, whole') }));
    assert.ok(whole instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${whole}`);
    assertErrorObject(whole.error);

    // The gateway has sent 200 and the first delta by the time the upstream breaks off, so the error can only come
    // in the stream; the SDK turns such an event into an APIError thrown from the iteration.
    const chunks = [];
    const streamed = await failure((async () => {
      for await (const chunk of await client.chat.completions.create({ model: MODELS.cut, messages: user('cut off, streamed'), stream: true })) chunks.push(chunk);
    })());
    assert.ok(streamed instanceof OpenAI.APIError, `expected APIError, got ${streamed}`);
    assertErrorObject(streamed.error);
    assert.equal(textOf(chunks), TEXT_PIECES[0]);
    assert.deepEqual(finishReasonsOf(chunks), []);
  });

  it('an upstream that keeps failing with 500 is an InternalServerError (5xx)', TEST, async () => {
    const error = await failure(client.chat.completions.create({ model: MODELS.broken, messages: user('server error') }));
    assert.ok(error instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${error}`);
    assert.ok(error.status >= 500 && error.status <= 599, `status ${error.status}`);
    assertErrorObject(error.error);
  });
});

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Every chunk of one completion: the chunk object type, and the same non-empty id and created. */
function assertChunkEnvelope(chunks) {
  assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
  const [{ id, created }] = chunks;
  assertId(id);
  assertUnixSeconds(created);
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, id);
    assert.equal(chunk.created, created);
  }
}

const textOf = (chunks) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
const finishReasonsOf = (chunks) => chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter((reason) => reason != null);
const usageOf = ({ usage }) => usage && { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };

/** The upstream's calls, in order, each a function call with a distinct id and arguments that parse to the same JSON. */
function assertToolCalls(toolCalls) {
  assert.ok(Array.isArray(toolCalls), `tool_calls: ${JSON.stringify(toolCalls)}`);
  for (const call of toolCalls) {
    assertId(call.id);
    assert.equal(call.type, 'function');
    assert.equal(typeof call.function.arguments, 'string', 'arguments are a JSON string, as OpenAI sends them');
  }
  assert.equal(new Set(toolCalls.map((call) => call.id)).size, toolCalls.length, 'tool call ids are distinct');
  assert.deepEqual(toolCalls.map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) })), EXPECTED_CALLS);
}

function assertId(id) {
  assert.equal(typeof id, 'string');
  assert.notEqual(id, '');
}

/** OpenAI's timestamps are Unix seconds; milliseconds would be a different, wrong, integer. */
function assertUnixSeconds(value) {
  assert.ok(Number.isInteger(value) && value > 0 && value < 1e11, `created ${value} is not Unix seconds`);
}

/** The rejection of `promise`; fails if it resolves. */
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the request was expected to fail');
}

function assertApiError(error, ErrorClass, status) {
  assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.status, status);
  assertErrorObject(error.error);
}

/** OpenAI's error object: {message, type, param, code}, message and type set. */
function assertErrorObject(error) {
  assert.equal(typeof error?.message, 'string', `error object: ${JSON.stringify(error)}`);
  assert.notEqual(error.message, '');
  assert.equal(typeof error.type, 'string');
  for (const key of ['param', 'code']) assert.ok(key in error, `error object has no ${key}: ${JSON.stringify(error)}`);
}
