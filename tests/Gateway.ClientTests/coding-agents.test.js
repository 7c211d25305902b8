// Real coding agents, installed from npm, through the gateway's two agent doors: Claude Code (`claude -p`) on
// /v1/messages and Codex (`codex exec`) on /v1/responses. Each gets one non-interactive task, "what is the secret word
// in <dir>/word.txt", with a random word in the file; the model behind the gateway is a scripted chat-completions
// upstream (scripted-agent-upstream.js) that calls the agent's own file-reading tool and then answers from its output.
// So the answer holds the word only if the agent ran the tool and sent its result back through the gateway.
// Hermetic: the agents' homes are fresh temporary directories, their telemetry and update checks are off, and each
// run is killed (its whole process group) if it outlives AGENT_DEADLINE_MS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway, stopGateway } from './gateway-process.js';
import { SCRIPTED_MODEL, secretLine, startScriptedUpstream } from './scripted-agent-upstream.js';

const GATEWAY_KEY = 'gw-coding-agents-key';
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin');
const AGENT_DEADLINE_MS = 90_000; // a cold start of a ~370 MB native binary on a loaded 2-core CI machine
const TEST = { timeout: AGENT_DEADLINE_MS + 30_000 };

// Settings of the developer's shell an agent would otherwise pick up (its own keys, endpoints, config homes).
const AGENT_SETTINGS = /^(ANTHROPIC_|CLAUDE_|CODEX_|OPENAI_)/;

describe('Coding agents through the gateway', () => {
  let upstream;
  let gateway;
  let scratch;

  before(async () => {
    upstream = await startScriptedUpstream();
    gateway = await startGateway({ OPENAI_API_KEY: 'sk-scripted-upstream', OPENAI_BASE_URL: upstream.baseUrl, GATEWAY_API_KEYS: GATEWAY_KEY });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'gateway-agents-'));
  }, { timeout: 120_000 });

  after(async () => {
    await stopGateway(gateway);
    await upstream?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('Claude Code reads the file through /v1/messages and answers with its word', TEST, async () => {
    const { dir, file, word } = await task('claude');
    const home = await scratchDir('claude-home');
    // Claude Code 2.1.328 asks for node >= 22 in package.json, but its bin is a native executable: node's version does
    // not matter once npm has installed it. `--allowedTools Read` instead of --dangerously-skip-permissions, which
    // Claude Code refuses to run as root (CI runs as root).
    const run = await runAgent(path.join(BIN, 'claude'), ['-p', prompt(file), '--allowedTools', 'Read'], dir, {
      HOME: home,
      ANTHROPIC_BASE_URL: gateway.url,
      ANTHROPIC_API_KEY: GATEWAY_KEY,
      ANTHROPIC_MODEL: SCRIPTED_MODEL,
      ANTHROPIC_SMALL_FAST_MODEL: SCRIPTED_MODEL,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: SCRIPTED_MODEL,
      // https://code.claude.com/docs/en/env-vars: no telemetry, error reports, update checks or other side traffic.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
    });
    assertAnswered(run, word, '/v1/messages');
  });

  it('Codex reads the file through /v1/responses and answers with its word', TEST, async () => {
    const { dir, file, word } = await task('codex');
    const home = await scratchDir('codex-home');
    // https://developers.openai.com/codex/config-reference: a provider speaking the Responses API at the gateway,
    // its key from an environment variable; no update check, no analytics, and no plugins or apps, which at start
    // clone github.com/openai/plugins.git and look up api.github.com and chatgpt.com (seen with strace, 0.169.0).
    await writeFile(path.join(home, 'config.toml'), [
      `model = "${SCRIPTED_MODEL}"`,
      'model_provider = "gateway"',
      'check_for_update_on_startup = false',
      '[analytics]',
      'enabled = false',
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'apps = false',
      '[model_providers.gateway]',
      'name = "Gateway"',
      `base_url = "${gateway.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "GATEWAY_KEY"',
      '',
    ].join('\n'));
    // No sandbox: Codex's needs bubblewrap and user namespaces, which a CI container may not allow, and a CODEX_HOME
    // outside /tmp for its helper binaries; the one command it runs is the scripted upstream's `cat`.
    const run = await runAgent(path.join(BIN, 'codex'),
      ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt(file)], dir,
      { CODEX_HOME: home, HOME: home, GATEWAY_KEY });
    assertAnswered(run, word, '/v1/responses');
  });

  /** A directory holding word.txt with a fresh random word, so no answer can come from an earlier run. */
  async function task(agent) {
    const word = Array.from({ length: 10 }, () => String.fromCharCode(97 + randomInt(26))).join('');
    const dir = await scratchDir(`${agent}-task`);
    const file = path.join(dir, 'word.txt');
    await writeFile(file, `${secretLine(word)}\n`);
    return { dir, file, word };
  }

  async function scratchDir(name) {
    const dir = path.join(scratch, name);
    await mkdir(dir);
    return dir;
  }

  function assertAnswered(run, word, door) {
    const output = `--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}\n--- gateway ---\n${gateway.log.join('\n')}`;
    assert.equal(run.timedOut, false, `the agent did not finish within ${AGENT_DEADLINE_MS} ms\n${output}`);
    assert.equal(run.code, 0, `the agent exited with ${run.code} (signal ${run.signal})\n${output}`);
    assert.match(run.stdout, new RegExp(`The word is ${word}\\.`), output);
    // The word reached the answer through the file: the upstream was sent the tool's output holding it.
    assert.ok(upstream.toolResults().some((result) => result.includes(secretLine(word))), `the upstream never saw the file's line\n${output}`);
    assert.ok(gateway.log.some((line) => line.includes(`path=${door} status=200`)), `the gateway answered no ${door} request\n${output}`);
  }
});

const prompt = (file) => `What is the secret word in ${file}? Answer with the word only.`;

/**
 * Runs an agent with no stdin in `cwd`, with `settings` over an environment cleared of the developer's agent settings.
 * It runs in its own process group, killed whole (an npm bin may start the native binary as a child) at the deadline.
 */
function runAgent(command, args, cwd, settings) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !AGENT_SETTINGS.test(name)));
  const child = spawn(command, args, { cwd, env: { ...env, ...settings }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, AGENT_DEADLINE_MS);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}
