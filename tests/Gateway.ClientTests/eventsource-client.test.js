// Resumable streams (SPEC §9) read by a real EventSource client (the `eventsource` npm package, WHATWG HTML §9.2):
// a TCP relay in front of the gateway cuts the EventSource's first connection mid-stream, as a dropped network
// would, and the client must reconnect by itself with Last-Event-ID and get the rest of the session exactly once;
// a client that keeps its EventSource open past the end reconnects once, gets 204 and stops (WHATWG HTML §9.2.3).
// Hermetic: the gateway's mock model (MOCK_MODELS) paces a long answer, so the cut lands while the session runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EventSource } from 'eventsource';
import { startGateway, stopGateway } from './gateway-process.js';

const MODEL = 'mock-resume';
const TYPES = ['connected', 'harness_start', 'text', 'usage', 'harness_end', 'error'];
const CUT_AFTER_EVENTS = 6; // blank-line ends the relay lets through on the first connection before cutting it
const DEADLINE_MS = 20_000; // the whole session: 4 s of answer, the client's 3 s reconnect delay, and slack
const TEST = { timeout: DEADLINE_MS + 10_000 };

describe('a resumable stream read by an EventSource that loses its connection', () => {
  let gateway;
  let relay;

  before(async () => {
    // 60 pieces at 15 a second: the answer is still streaming when the client comes back after its 3 s delay.
    gateway = await startGateway({ MOCK_MODELS: MODEL, MOCK_TOKENS: '60', MOCK_TOKENS_PER_SECOND: '15', RESUME_GRACE_SECONDS: '30' });
    relay = await startCuttingRelay(new URL(gateway.url), CUT_AFTER_EVENTS);
  }, { timeout: 120_000 });

  after(async () => {
    await relay?.close();
    await stopGateway(gateway);
  });

  it('reconnects by itself with Last-Event-ID and gets every event once, in order', TEST, async () => {
    const sessionId = await startSessionAndLeave();

    const seen = await readWithEventSource(`${relay.url}/chat/${sessionId}/events`);

    assert.ok(relay.requests.length >= 2, `the client did not reconnect: ${relay.requests.length} request(s)`);
    const resumedFrom = /^last-event-id: (\d+)\r$/im.exec(relay.requests[1])?.[1];
    assert.ok(resumedFrom > 0, `the reconnection named no last event:\n${relay.requests[1]}`);
    // The whole stream, as the gateway still holds it for the grace, is what the client saw across its two connections.
    const whole = await readWhole(`${gateway.url}/chat/${sessionId}/events`);
    assert.deepEqual(seen.map((e) => e.id), whole.map((e) => e.id));
    assert.deepEqual(seen, whole);
    assert.deepEqual(whole.map((e) => e.id), whole.map((_, i) => String(i + 1)));
    assert.equal(whole[0].type, 'connected');
    assert.equal(whole.at(-1).type, 'harness_end');
    assert.ok(Number(resumedFrom) < whole.length, 'the cut came after the session had ended');
  });

  it('reconnects once after the end, gets 204 with every event and stops', TEST, async () => {
    const sessionId = await startSessionAndLeave();
    const watch = await startCuttingRelay(new URL(gateway.url), Infinity);
    const source = new EventSource(`${watch.url}/chat/${sessionId}/events`);
    try {
      const ids = [];
      source.addEventListener('usage', (message) => ids.push(message.lastEventId));
      source.addEventListener('harness_end', (message) => ids.push(message.lastEventId));
      // Not closed by the client: only the server's 204 may stop it (a 404 would too, so the code is checked).
      const code = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still ${source.readyState} after ${DEADLINE_MS} ms`)), DEADLINE_MS);
        source.addEventListener('error', (error) => {
          if (source.readyState === source.CLOSED) {
            clearTimeout(timer);
            resolve(error.code);
          }
        });
      });
      assert.equal(code, 204);
      // The requests, however many connections carried them (fetch keeps its connection for the next).
      const heads = watch.requests.join('').split('\r\n\r\n').filter(Boolean);
      assert.equal(heads.length, 2, `requests:\n${heads.join('\n\n')}`);
      assert.match(heads[1], new RegExp(`^last-event-id: ${ids.at(-1)}\\r?$`, 'im'));
    } finally {
      source.close();
      await watch.close();
    }
  });

  /** POSTs /chat and leaves as soon as the session is named: the session runs on for the grace. */
  async function startSessionAndLeave() {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'tell me a long story' }] }),
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    let text = '';
    for await (const piece of response.body.pipeThrough(new TextDecoderStream())) {
      text += piece;
      const match = /"sessionId":"([^"]+)"/.exec(text);
      if (match) {
        controller.abort();
        return match[1];
      }
    }
    assert.fail(`no connected event: ${text}`);
  }

  /** Every event an EventSource dispatches until the root's harness_end, with its lastEventId. */
  function readWithEventSource(url) {
    return new Promise((resolve, reject) => {
      const source = new EventSource(url);
      const events = [];
      const timer = setTimeout(() => {
        source.close();
        reject(new Error(`no harness_end within ${DEADLINE_MS} ms; got ${events.length} events`));
      }, DEADLINE_MS);
      for (const type of TYPES) {
        source.addEventListener(type, (message) => {
          if (message.data === undefined) return; // The client's own error event, for the lost connection: no event of ours.
          events.push({ id: message.lastEventId, type, data: message.data });
          if (type === 'harness_end') {
            clearTimeout(timer);
            source.close();
            resolve(events);
          }
        });
      }
    });
  }
});

/** The session's whole stream by fetch (no Last-Event-ID: from the start), parsed into {id, type, data}. */
async function readWhole(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(DEADLINE_MS) });
  assert.equal(response.status, 200);
  const blocks = (await response.text()).split('\n\n').filter((block) => block && !block.startsWith(':'));
  return blocks.map((block) => {
    const match = /^id: (\d+)\nevent: ([a-z_]+)\ndata: (.+)$/.exec(block);
    assert.ok(match, `not a resumable event (SPEC §5, §9): ${JSON.stringify(block)}`);
    return { id: match[1], type: match[2], data: match[3] };
  });
}

/**
 * A TCP relay to the gateway that cuts its first connection (both ways) once `cutAfterEvents` blank lines have come
 * back, and passes later ones whole; it keeps what each connection sends (its requests).
 */
function startCuttingRelay(target, cutAfterEvents) {
  const requests = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const first = requests.length === 0;
    const index = requests.push('') - 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (bytes) => {
      requests[index] += bytes.toString('latin1');
      upstream.write(bytes);
    });
    let ends = 0;
    upstream.on('data', (bytes) => {
      client.write(bytes);
      ends += bytes.toString('latin1').split('\n\n').length - 1;
      if (first && ends >= cutAfterEvents) {
        client.destroy();
        upstream.destroy();
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      requests,
      close: () => new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(done);
      }),
    }));
  });
}
