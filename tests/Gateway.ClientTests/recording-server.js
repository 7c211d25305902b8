// The plain node:http server behind each fake upstream: on a free loopback port, it records every request before
// the upstream's own `answer` replies to it, so the tests can check what the gateway forwarded.
import http from 'node:http';

/**
 * Starts the server; resolves to `{ origin, requests, close }`. Each request is recorded as
 * `{ method, url, headers, body }`, the body parsed as JSON (null when empty, undefined when not JSON), and then
 * given to `answer(recorded, res)`.
 */
export async function startRecordingServer(answer) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method, url: req.url, headers: req.headers, body: parseJson(Buffer.concat(chunks).toString('utf8')) };
      requests.push(recorded);
      answer(recorded, res);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
