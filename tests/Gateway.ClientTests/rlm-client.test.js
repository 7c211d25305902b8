// RLM mode (POST /chat with mode "rlm", SPEC §8) and POST /summarize (SPEC §10) read the way the origin's own
// JavaScript client reads them: Node's fetch, the body parsed as it arrives into `event:`/`data:` events. Hermetic:
// the gateway executable runs against a scripted upstream (rlm-upstream.js) whose ```js blocks reach their answers
// only by running in the gateway's REPL, over `context`, through `llm_query`'s child run, or through `exec`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startGateway, stopGateway } from './gateway-process.js';
import { RLM_MODEL, RLM_USAGE, SCRIPTS, SUMMARY, SUMMARY_PIECES, SUMMARY_USAGE, startRlmUpstream, tagged } from './rlm-upstream.js';

const REQUEST_DEADLINE_MS = 30_000; // the whole stream, body included: fetch's signal also aborts the reading
const TEST = { timeout: REQUEST_DEADLINE_MS + 10_000 };

// 250 rows, longer than the 200 characters of it the model is shown (RlmPrompt): only the REPL sees the last rows.
const ROWS = 250;
const CONTEXT = Array.from({ length: ROWS }, (_, i) => `row ${i + 1}: ${i % 7 === 0 ? 'ça va ✓' : 'fine'}`).join('\n');

// Each turn's usage as the gateway reports it; one model call per run here, so also each run's totalUsage (D5).
const RUN_USAGE = { inputTokens: RLM_USAGE.prompt_tokens, outputTokens: RLM_USAGE.completion_tokens };

// The replaced API's instruction (SummaryPrompt.cs), which its clients were tuned against.
const SUMMARY_INSTRUCTION =
  'Summarize the following conversation concisely. Preserve key decisions, conclusions, and important details. Output only the summary, no preamble.';

describe('RLM mode and /summarize through fetch, as the origin\'s JavaScript client reads them', () => {
  let upstream;
  let gateway;
  let workspace;
  let word;

  before(async () => {
    // exec runs in WORKSPACE_ROOT; in the sandbox as an unprivileged uid, so the directory and file must be readable to it.
    workspace = await mkdtemp(path.join(os.tmpdir(), 'gateway-rlm-'));
    await chmod(workspace, 0o755);
    word = Array.from({ length: 12 }, () => String.fromCharCode(97 + randomInt(26))).join('');
    await writeFile(path.join(workspace, 'word.txt'), `${word}\n`, { mode: 0o644 });
    upstream = await startRlmUpstream();
    gateway = await startGateway({ OPENAI_API_KEY: 'sk-rlm-upstream', OPENAI_BASE_URL: upstream.baseUrl, WORKSPACE_ROOT: workspace });
  }, { timeout: 120_000 });

  after(async () => {
    await stopGateway(gateway);
    await upstream?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
    // The gateway's own log explains a failure from its side; test.sh keeps it beside the other results.
    if (gateway && process.env.GATEWAY_LOG_FILE) await writeFile(process.env.GATEWAY_LOG_FILE.replace(/(\.log)?$/, '-rlm.log'), `${gateway.log.join('\n')}\n`);
  });

  const rlm = (task, text, extra = {}, onEvent) =>
    postForEvents('/chat', { model: RLM_MODEL, mode: 'rlm', messages: [{ role: 'user', content: tagged(task, text) }], ...extra }, onEvent);

  it('computes over context in the REPL and ends with FINAL: the events of SPEC §8 in order', TEST, async () => {
    const events = await rlm('lines', 'How many lines does the context have?', { context: CONTEXT });

    assertTypes(events, 'connected harness_start (text )+usage repl_input (repl_progress )+repl_output text harness_end');
    const [, start] = events;
    const { runId, agentId } = start;
    assert.deepEqual(start, { type: 'harness_start', runId, agentId, maxIterations: 100 });
    // D1: every event of the run carries the run's own ids, and no parentId at the root.
    for (const event of events.slice(1)) {
      assert.equal(event.runId, runId, JSON.stringify(event));
      assert.equal(event.agentId, agentId, JSON.stringify(event));
      assert.equal('parentId' in event, false, JSON.stringify(event));
    }

    // The model's answer streams as text deltas of one turn, then its usage.
    const answer = events.slice(2, events.findIndex((e) => e.type === 'usage'));
    assert.equal(new Set(answer.map((e) => e.id)).size, 1);
    assert.equal(answer.map((e) => e.content).join(''), SCRIPTS.lines.join(''));
    assert.deepEqual(only(events, 'usage'), { type: 'usage', runId, ...RUN_USAGE, agentId });
    const input = only(events, 'repl_input');
    assert.deepEqual(input, {
      type: 'repl_input', runId, id: input.id,
      code: 'const lines = context.split("\\n");\nprint("lines:", lines.length);\nFINAL(`The context has ${lines.length} lines.`);',
      iteration: 0, agentId,
    });
    const progress = events.filter((e) => e.type === 'repl_progress');
    for (const event of progress) assert.deepEqual([event.id, event.stream], [input.id, 'stdout']);
    assert.equal(progress.map((e) => e.chunk).join(''), `lines: ${ROWS}\n`);
    const output = only(events, 'repl_output');
    assert.deepEqual(output, {
      type: 'repl_output', runId, id: input.id, stdout: `lines: ${ROWS}`, done: true, iteration: 0, durationMs: output.durationMs, agentId,
    });
    assert.ok(Number.isInteger(output.durationMs) && output.durationMs >= 0, `durationMs ${output.durationMs}`);
    assert.equal(events.at(-2).content, `The context has ${ROWS} lines.`);
    assert.deepEqual(events.at(-1), { type: 'harness_end', runId, agentId, reason: 'final', iterations: 1, totalUsage: RUN_USAGE });

    // The model was shown the context's length and head only; the count came from the REPL.
    const [request, ...more] = upstream.chatRequests('lines');
    assert.equal(more.length, 0);
    assert.deepEqual(request.messages.map((m) => m.role), ['system', 'user']);
    assert.match(request.messages[0].content, new RegExp(`a string of ${CONTEXT.length} characters`));
    assert.equal(request.messages[0].content.includes(`row ${ROWS}:`), false);
    assert.equal(request.tools, undefined);
  });

  it('runs llm_query as a child run at depth 1 whose events come between the parent\'s repl_input and repl_output', TEST, async () => {
    const events = await rlm('query', 'Ask a helper to shout the data.');

    const { runId, agentId } = events[1];
    const parentInput = events.find((e) => e.type === 'repl_input' && e.runId === runId);
    const parentOutput = events.find((e) => e.type === 'repl_output' && e.runId === runId);
    const inside = events.slice(events.indexOf(parentInput) + 1, events.indexOf(parentOutput));
    const child = inside.find((e) => e.type === 'harness_start');
    assert.ok(child, `no child run between the parent's repl_input and repl_output: ${types(events)}`);
    // D7 and D14: the child's own runId, the parent's repl_input id as parentId, the root's agentId.
    assert.deepEqual(child, { type: 'harness_start', runId: child.runId, agentId, parentId: parentInput.id, depth: 1, maxIterations: 100 });
    assert.notEqual(child.runId, runId);

    // The status line, the child's whole run, the status line of its answer; each of the child's events carries its ids.
    const childAnswer = '10 characters: QUIET DATA';
    const childEvents = inside.filter((e) => e.runId === child.runId);
    assertTypes(childEvents, 'harness_start (text )+usage repl_input (repl_progress )*repl_output text harness_end');
    for (const event of childEvents) assert.deepEqual([event.agentId, event.parentId], [agentId, parentInput.id], JSON.stringify(event));
    assert.equal(childEvents.at(-2).content, childAnswer);
    assert.deepEqual(childEvents.at(-1), {
      type: 'harness_end', runId: child.runId, agentId, parentId: parentInput.id, reason: 'final', iterations: 1, totalUsage: RUN_USAGE,
    });
    const own = inside.filter((e) => e.runId === runId);
    assert.ok(own.every((e) => e.type === 'repl_progress' && e.id === parentInput.id), JSON.stringify(own));
    const status = own.filter((e) => e.stream === 'stderr');
    assert.equal(status.map((e) => e.chunk).join(''),
      `[llm_query] prompt=${'[rlm:child] Shout the data.'.length} context=10 depth=4\n[llm_query] done result=${childAnswer.length} chars\n`);
    assert.ok(inside.indexOf(status[0]) < inside.indexOf(child) && inside.indexOf(status.at(-1)) > inside.indexOf(childEvents.at(-1)),
      `status lines around the child run: ${types(inside)}`);

    // The parent prints the child's answer and ends with it; its totalUsage is its own call only (D5).
    assert.equal(own.filter((e) => e.stream === 'stdout').map((e) => e.chunk).join(''), `${childAnswer}\n`);
    assert.equal(parentOutput.stdout, childAnswer);
    assert.equal(events.at(-2).content, `The helper said: ${childAnswer}`);
    assert.deepEqual(events.at(-1), { type: 'harness_end', runId, agentId, reason: 'final', iterations: 1, totalUsage: RUN_USAGE });
    // The child run's model saw the prompt as its user message and the data as its own context.
    const [childRequest] = upstream.chatRequests('child');
    assert.equal(childRequest.messages[1].content, '[rlm:child] Shout the data.');
    assert.match(childRequest.messages[0].content, /a string of 10 characters/);
  });

  it('runs exec allowed by the allowlist: the word the command read from a file ends up in the FINAL answer', TEST, async () => {
    const events = await rlm('exec', 'What word is in word.txt?', { permissions: { allowlist: [{ tool: 'exec' }] } });

    assertTypes(events, 'connected harness_start (text )+usage repl_input (repl_progress )+repl_output text harness_end');
    const input = only(events, 'repl_input');
    const stdout = events.filter((e) => e.type === 'repl_progress' && e.stream === 'stdout');
    assert.ok(stdout.every((e) => e.id === input.id));
    // The command's own output streams first, then the script's print.
    assert.equal(stdout.map((e) => e.chunk).join(''), `${word}\nexit 0\n`);
    assert.equal(only(events, 'repl_output').stdout, 'exit 0');
    assert.equal(events.at(-2).content, `The word is ${word}.`);
    assert.equal(events.at(-1).reason, 'final');
  });

  it('asks before an exec no rule allows: the client approves the relay while reading the stream, and the command runs', TEST, async () => {
    let sessionId;
    const events = await rlm('exec', 'What word is in word.txt?', {}, async (event) => {
      if (event.type === 'connected') sessionId = event.sessionId;
      if (event.type !== 'relay') return;
      // SPEC §4, as the origin's client answers: the relay id in the path, the session's id in the body.
      const answer = await fetch(`${gateway.url}/chat/relay/${event.id}`, {
        method: 'POST',
        body: JSON.stringify({ sessionId, response: { approved: true } }),
        signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
      });
      assert.deepEqual([answer.status, await answer.json()], [200, { success: true }]);
    });

    assertTypes(events, 'connected harness_start (text )+usage repl_input relay (repl_progress )+repl_output text harness_end');
    const { runId, agentId } = events[1];
    const relay = only(events, 'relay');
    // SPEC §8: exec is gated as a tool named exec with param command.
    assert.deepEqual(relay, {
      type: 'relay', kind: 'permission', runId, id: relay.id, toolCallId: relay.toolCallId, tool: 'exec', params: { command: 'cat word.txt' }, agentId,
    });
    assert.ok(relay.toolCallId.startsWith(`${runId}/`), relay.toolCallId);
    assert.equal(events.at(-2).content, `The word is ${word}.`);
  });

  it('streams a summary from POST /summarize: connected with sourceIds, the text, usage; the upstream got the transcript', TEST, async () => {
    const messages = [
      { role: 'system', content: 'You plan trips.' },
      { role: 'user', content: 'Plan a day in Lyon.' },
      { role: 'assistant', content: 'Morning at Fourvière, then the old town.' },
      { role: 'user', content: [{ type: 'text', text: 'Sounds good.' }] },
    ];
    const events = await postForEvents('/summarize', { model: RLM_MODEL, messages, sourceIds: ['m1', 'm2'] });

    assertTypes(events, `connected ${'text '.repeat(SUMMARY_PIECES.length)}usage`);
    const [connected] = events;
    assert.deepEqual(connected, { type: 'connected', sessionId: connected.sessionId, sourceIds: ['m1', 'm2'] });
    const texts = events.filter((e) => e.type === 'text');
    assert.equal(texts.map((e) => e.content).join(''), SUMMARY);
    const { runId, id } = texts[0];
    // No agent behind a summary: the call's run id, one text id, no agentId or parentId.
    for (const text of texts) assert.deepEqual(text, { type: 'text', runId, id, content: text.content });
    assert.deepEqual(events.at(-1), { type: 'usage', runId, inputTokens: SUMMARY_USAGE.prompt_tokens, outputTokens: SUMMARY_USAGE.completion_tokens });

    const [request, ...more] = upstream.summaryRequests();
    assert.equal(more.length, 0);
    assert.deepEqual(request.messages, [
      { role: 'system', content: SUMMARY_INSTRUCTION },
      {
        role: 'user',
        content: '[system]: You plan trips.\n[user]: Plan a day in Lyon.\n[assistant]: Morning at Fourvière, then the old town.\n'
          + '[user]: [{"type":"text","text":"Sounds good."}]',
      },
    ]);
  });

  /**
   * POSTs `body` as JSON and reads the event stream to its end, parsing each event as it arrives and handing it to
   * `onEvent` (awaited) before reading on.
   */
  async function postForEvents(route, body, onEvent = async () => {}) {
    const response = await fetch(`${gateway.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    });
    if (response.status !== 200) assert.fail(`${route} answered ${response.status}: ${await response.text()}\n${gateway.log.join('\n')}`);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const events = [];
    let pending = '';
    for await (const text of response.body.pipeThrough(new TextDecoderStream())) {
      const blocks = (pending + text).split('\n\n');
      pending = blocks.pop();
      for (const block of blocks) {
        const event = parseEvent(block);
        if (!event) continue;
        events.push(event);
        await onEvent(event);
      }
    }
    assert.equal(pending, '', 'the stream ended inside an event');
    return events;
  }
});

/** One SSE block (SPEC §5): exactly `event: <type>` and `data: <JSON>` with the same type, or a `: ping` comment (null). */
function parseEvent(block) {
  if (block === ': ping') return null;
  const match = /^event: ([a-z_]+)\ndata: (.+)$/.exec(block);
  assert.ok(match, `not an event of SPEC §5: ${JSON.stringify(block)}`);
  const data = JSON.parse(match[2]);
  assert.equal(data.type, match[1]);
  return data;
}

const types = (events) => events.map((e) => e.type).join(' ');

/** The types in order, as a pattern over their space-joined names. */
function assertTypes(events, pattern) {
  assert.match(`${types(events)} `, new RegExp(`^${pattern} ?$`));
}

function only(events, type) {
  const found = events.filter((e) => e.type === type);
  assert.equal(found.length, 1, `one ${type} expected: ${types(events)}`);
  return found[0];
}
