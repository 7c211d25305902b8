// Scenario 15's baseline (perf/README.md, row 15): the MCP call of the scenario made without Gateway. The official
// TypeScript SDK (tests/mcp-servers, the version the MCP tests use) starts server-everything over stdio, makes --warmup
// echo calls, then --calls more, --concurrency at once (each worker calls one at a time), and prints one JSON object:
// {calls, concurrency, errors, p50Ms, p99Ms, seconds, callsPerSecond, serverCpuMs, clientCpuMs}. The server's CPU is
// the utime+stime of its process over the measured calls (/proc/<pid>/stat), the client's is this process's.
//
//   node perf/mcp-direct.mjs --server <server-everything/dist/index.js> [--calls 200] [--concurrency 1] [--warmup 20]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const options = { calls: 200, concurrency: 1, warmup: 20, server: "", timeoutMs: 30000 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const name = argv[i].replace(/^--/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase());
  if (!(name in options) || argv[i + 1] === undefined) {
    console.error(`mcp-direct: unknown or valueless argument '${argv[i]}' (--server, --calls, --concurrency, --warmup, --timeout-ms)`);
    process.exit(2);
  }
  options[name] = typeof options[name] === "number" ? Number(argv[i + 1]) : argv[i + 1];
}
if (!options.server || !fs.existsSync(options.server)) {
  console.error(`mcp-direct: --server '${options.server}' is not a file (npm ci in tests/mcp-servers installs server-everything)`);
  process.exit(2);
}

// The SDK as tests/mcp-servers installs it: its files by path, as this script lives outside that package.
const sdk = path.join(path.dirname(fileURLToPath(import.meta.url)), "../tests/mcp-servers/node_modules/@modelcontextprotocol/sdk/dist/esm/client");
const { Client } = await import(pathToFileURL(path.join(sdk, "index.js")).href);
const { StdioClientTransport } = await import(pathToFileURL(path.join(sdk, "stdio.js")).href);

// utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the command's name).
const ticks = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop().split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const TICK_MS = 10; // USER_HZ is 100 on Linux (what os.sysconf('SC_CLK_TCK') gives perf/security.py)

const transport = new StdioClientTransport({ command: process.execPath, args: [options.server, "stdio"], stderr: "ignore" });
const client = new Client({ name: "gateway-perf-mcp-direct", version: "1.0.0" });
await client.connect(transport);

let errors = 0;
const call = async () => {
  const started = performance.now();
  try {
    const result = await client.callTool({ name: "echo", arguments: { message: "hi" } }, undefined, { timeout: options.timeoutMs });
    if (result.isError || result.content?.[0]?.text !== "Echo: hi") errors++;
  } catch {
    errors++;
  }
  return performance.now() - started;
};
// N calls in all, `workers` at once, each worker one call at a time: Gateway.LoadGen's closed loop with --requests N.
const run = async (n, workers) => {
  const ms = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(workers, n) }, async () => {
    while (next < n) {
      next++;
      ms.push(await call());
    }
  }));
  return ms;
};

await run(options.warmup, options.concurrency);
errors = 0;
const serverBefore = ticks(transport.pid);
const clientBefore = process.cpuUsage();
const started = performance.now();
const ms = await run(options.calls, options.concurrency);
const seconds = (performance.now() - started) / 1000;
const client_ = process.cpuUsage(clientBefore);
const serverCpuMs = (ticks(transport.pid) - serverBefore) * TICK_MS;
await client.close();

ms.sort((a, b) => a - b);
const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
console.log(JSON.stringify({
  calls: ms.length, concurrency: options.concurrency, errors, p50Ms: at(0.5), p99Ms: at(0.99), seconds,
  callsPerSecond: ms.length / seconds, serverCpuMs, clientCpuMs: (client_.user + client_.system) / 1000,
}));
