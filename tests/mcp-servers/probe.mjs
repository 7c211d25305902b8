// A small stdio MCP server for the gateway's tests (issue 18), where server-everything is not deterministic enough:
// what the server saw is appended to $PROBE_LOG, one line per event.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import fs from "node:fs";

const log = (line) => { if (process.env.PROBE_LOG) fs.appendFileSync(process.env.PROBE_LOG, line + "\n"); };
const text = (t) => ({ content: [{ type: "text", text: t }] });
const server = new McpServer({ name: "probe", version: "1.0.0" });

// Waits ms, or until the client cancels the call (notifications/cancelled aborts extra.signal).
server.registerTool("wait", { description: "Waits ms milliseconds", inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
  log(`start ${extra.requestId}`);
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { log(`done ${extra.requestId}`); resolve(text("waited")); }, ms);
    extra.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      log(`cancelled ${extra.requestId}`);
      resolve(text("cancelled"));
    });
  });
});

// Exits during the call, as a crashing server does.
server.registerTool("crash", { description: "Exits with code 3 during the call", inputSchema: {} }, async () => {
  log("crash");
  process.stderr.write("probe: crashing on purpose\n");
  process.exit(3);
});

// Reports steps progress notifications, then answers once "release" is called: the SDK may hand a notification on after
// the answer that followed it, so a test waits for one before it lets the call end.
let releases = [];
server.registerTool("progress", { description: "Reports progress, answers after release", inputSchema: { steps: z.number() } }, async ({ steps }, extra) => {
  const token = extra._meta?.progressToken;
  for (let step = 1; step <= steps; step++) {
    if (token !== undefined) {
      await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: step, total: steps, message: `step ${step}` } });
    }
  }
  await new Promise((resolve) => { releases.push(resolve); extra.signal.addEventListener("abort", resolve); });
  return text(`${steps} steps`);
});

server.registerTool("release", { description: "Lets every held progress call answer", inputSchema: {} }, async () => {
  const held = releases.length;
  releases.forEach((resolve) => resolve());
  releases = [];
  return text(`released ${held}`);
});

// Registers one more tool: the SDK then sends notifications/tools/list_changed.
server.registerTool("add-tool", { description: "Adds a tool named name", inputSchema: { name: z.string() } }, async ({ name }) => {
  server.registerTool(name, { description: "Added at run time", inputSchema: {} }, async () => text(`${name} ran`));
  log(`added ${name}`);
  return text(`added ${name}`);
});

// State of this process: which process answers, and how many times it did (per-session servers keep theirs apart).
let counted = 0;
server.registerTool("count", { description: "Says this process's pid and how many times it counted", inputSchema: {} }, async () =>
  text(`${process.pid} ${++counted}`));

server.registerTool("cwd", { description: "Says where this process works", inputSchema: {} }, async () => text(process.cwd()));

// A server that never answers initialize while the file $PROBE_HANG_IF exists (a start that outlasts the session); it
// still ends when its input is closed.
if (process.env.PROBE_HANG_IF && fs.existsSync(process.env.PROBE_HANG_IF)) {
  log(`hanging ${process.pid}`);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
} else {
  await server.connect(new StdioServerTransport());
  log(`ready ${process.pid}`);
}
