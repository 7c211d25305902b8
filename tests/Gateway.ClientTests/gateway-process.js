// The gateway executable run as a child process, the way an operator runs it, configured by environment only.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** scripts/test.sh sets GATEWAY_EXE; the default is where `dotnet test -c Release` leaves the server's build. */
const DEFAULT_EXE = path.join(REPO_ROOT, 'src', 'Gateway.Server', 'bin', 'Release', 'net10.0', 'gateway');

// Variables of the developer's shell that would let a real provider or another default leak into the tests.
const FOREIGN_SETTINGS = ['ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'ZEN_API_KEY', 'PROVIDERS_FILE', 'DEFAULT_MODEL', 'WORKSPACE_ROOT'];

const STARTUP_DEADLINE_MS = 60_000; // a cold start on a loaded 2-core CI machine, JIT included
const HEALTH_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 10_000;

/**
 * Starts the gateway with `settings` added to the environment and resolves once it has said where it listens and
 * answered GET /health with 200. PORT=0 lets the OS pick a free port atomically (no probe-then-bind race); the
 * port is read from the start-up line "listening on http://<endpoint>". Rejects, with the process's output, if it
 * exits or misses a deadline.
 */
export async function startGateway(settings) {
  const exe = process.env.GATEWAY_EXE || DEFAULT_EXE;
  // A framework-dependent build can also be given as its .dll, run through the dotnet host.
  const [command, args] = exe.endsWith('.dll') ? ['dotnet', [exe]] : [exe, []];
  const env = { ...process.env };
  for (const name of FOREIGN_SETTINGS) delete env[name];
  Object.assign(env, { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' }, settings);

  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject); // e.g. the executable is missing: not built, or GATEWAY_EXE is wrong
    const onText = (text) => {
      for (const line of text.toString('utf8').split('\n').filter(Boolean)) {
        log.push(line);
        const match = /listening on http:\/\/(\S+)/.exec(line);
        if (match) resolve(match[1]);
      }
    };
    child.stdout.on('data', onText);
    child.stderr.on('data', onText);
  });
  const gateway = { child, log, exited, url: '' };
  const failure = (what) => new Error(`${what} (${exe})\n--- gateway output ---\n${log.join('\n')}`);

  try {
    const endpoint = await Promise.race([
      listening,
      exited.then(({ code, signal }) => { throw failure(`gateway exited (code ${code}, signal ${signal}) before listening`); }),
      deadline(STARTUP_DEADLINE_MS).then(() => { throw failure(`gateway did not log "listening on" within ${STARTUP_DEADLINE_MS} ms`); }),
    ]);
    gateway.url = `http://${endpoint}`;
    await waitForHealth(gateway.url, failure);
    return gateway;
  } catch (error) {
    await stopGateway(gateway);
    throw error;
  }
}

/** Polls GET /health every 50 ms until it answers 200, for at most HEALTH_DEADLINE_MS. */
async function waitForHealth(url, failure) {
  const end = Date.now() + HEALTH_DEADLINE_MS;
  let last = 'no answer';
  while (Date.now() < end) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await deadline(50);
  }
  throw failure(`GET /health did not answer 200 within ${HEALTH_DEADLINE_MS} ms (last: ${last})`);
}

/** SIGTERM (the gateway's graceful stop), then SIGKILL if it has not exited within STOP_DEADLINE_MS. */
export async function stopGateway(gateway) {
  const child = gateway?.child;
  // No pid: it never started (spawn error), so there is nothing to stop and no exit event will come.
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([gateway.exited.then(() => true), deadline(STOP_DEADLINE_MS).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await Promise.race([gateway.exited, deadline(STOP_DEADLINE_MS)]);
  }
}

function deadline(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
