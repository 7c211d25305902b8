import { renderMarkdown } from './markdown.js';
import { relayCard } from './relays.js';

const el = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const stamp = (node) => {
  node.title = new Date().toLocaleTimeString();
  return node;
};

const json = (value) => JSON.stringify(value, null, 2);

/**
 * One /chat run drawn as a tree of agents (SPEC §5): a subagent's harness_start names the `agent` tool call that spawned
 * it (parentId), so its node goes inside that call's. Per agent: turns' text (markdown) and reasoning (collapsed), tool
 * calls with input, live progress and result, relays, usage, errors and the end.
 */
export class RunView {
  constructor(container, config) {
    this.root = el('div', undefined, 'run');
    container.append(this.root);
    this.config = config;
    this.sessionId = undefined;
    this.agents = new Map();
    this.turns = new Map();
    this.tools = new Map();
    this.relays = new Map();
    this.relaysByCall = new Map();
    this.total = { input: 0, output: 0 };
    this.rootAgentId = undefined;
    this.finalText = '';
    this.pending = new Set();
    this.totalLine = el('p', '', 'usage');
  }

  /** The root agent's last turn's text, what the conversation keeps as the assistant's message. */
  get answer() {
    return this.finalText;
  }

  apply(type, event) {
    const handler = this[`on_${type}`];
    if (handler) handler.call(this, event);
    else this.agentNode(event.agentId).body.append(stamp(el('pre', `${type}: ${JSON.stringify(event)}`)));
  }

  agentNode(agentId) {
    return this.agents.get(agentId) ?? this.agents.get(this.rootAgentId) ?? { body: this.root };
  }

  on_connected(event) {
    this.sessionId = event.sessionId;
    this.root.dataset.sessionId = event.sessionId;
  }

  on_harness_start(event) {
    const section = stamp(el('section', undefined, 'agent'));
    const head = el('p', event.parentId ? `Subagent (depth ${event.depth ?? 1})` : 'Agent', 'agent-head');
    section.setAttribute('aria-label', head.textContent);
    section.dataset.agentId = event.agentId;
    const body = el('div');
    section.append(head, body);
    const parent = event.parentId && this.tools.get(event.parentId);
    if (parent) parent.children.append(section);
    else {
      this.root.append(section);
      this.rootAgentId ??= event.agentId;
    }
    this.agents.set(event.agentId, { section, body });
  }

  turn(event, kind) {
    const key = `${kind}:${event.id}`;
    let turn = this.turns.get(key);
    if (!turn) {
      const body = this.agentNode(event.agentId).body;
      if (kind === 'reasoning') {
        const details = stamp(el('details', undefined, 'reasoning turn'));
        details.append(el('summary', 'Reasoning'));
        const pre = el('pre');
        details.append(pre);
        body.append(details);
        turn = { text: '', node: pre };
      } else {
        const node = stamp(el('div', undefined, 'turn'));
        body.append(node);
        turn = { text: '', node };
      }
      this.turns.set(key, turn);
    }
    return turn;
  }

  on_text(event) {
    const turn = this.turn(event, 'text');
    turn.text += event.content;
    if (event.agentId === this.rootAgentId) this.finalText = turn.text;
    // Deltas arrive faster than frames: re-render a turn's markdown at most once per frame.
    if (!this.pending.has(turn)) {
      this.pending.add(turn);
      requestAnimationFrame(() => {
        this.pending.delete(turn);
        turn.node.replaceChildren(renderMarkdown(turn.text));
      });
    }
  }

  on_reasoning(event) {
    const turn = this.turn(event, 'reasoning');
    turn.text += event.content;
    turn.node.textContent = turn.text;
  }

  tool(id, name, agentId) {
    let tool = this.tools.get(id);
    if (!tool) {
      const node = stamp(el('div', undefined, 'tool'));
      node.dataset.toolCallId = id;
      node.append(el('span', name, 'tool-name'));
      const input = el('pre');
      input.hidden = true;
      const progress = el('pre', '', 'progress');
      progress.hidden = true;
      const result = el('div', undefined, 'result');
      const children = el('div', undefined, 'children');
      node.append(input, progress, children, result);
      this.agentNode(agentId).body.append(node);
      tool = { node, input, progress, result, children };
      this.tools.set(id, tool);
    }
    return tool;
  }

  on_relay(event) {
    const tool = this.tool(event.toolCallId, event.tool, event.agentId);
    const { card, settle } = relayCard(event, this.sessionId, this.config.relayTimeoutSeconds);
    stamp(card);
    tool.node.append(card);
    this.relays.set(event.id, settle);
    this.relaysByCall.set(event.toolCallId, settle);
    card.focus({ preventScroll: true });
  }

  on_tool_call(event) {
    // A card still open was answered by another client or tab: the call runs, so it was approved (SPEC §5 order).
    this.relaysByCall.get(event.id)?.('approved elsewhere');
    const tool = this.tool(event.id, event.name, event.agentId);
    tool.input.hidden = false;
    tool.input.textContent = json(event.input);
  }

  on_tool_progress(event) {
    const tool = this.tool(event.toolCallId, event.name, event.agentId);
    tool.progress.hidden = false;
    tool.progress.textContent += event.content;
  }

  on_tool_result(event) {
    const tool = this.tool(event.id, event.name, event.agentId);
    const output = event.output ?? {};
    const result = stamp(tool.result);
    if (output.status === 'denied') {
      this.relaysByCall.get(event.id)?.(`denied${output.reason ? `: ${output.reason}` : ''}`);
      result.replaceChildren(el('p', `Denied${output.reason ? `: ${output.reason}` : ''}`, 'denied'));
      return;
    }
    if (typeof output.error === 'string') {
      result.replaceChildren(el('p', `Error: ${output.error}`, 'error'));
      return;
    }
    result.replaceChildren();
    if (typeof output.context === 'string') result.append(el('pre', output.context));
    // Media parts (SPEC §7: read's images and PDFs) are shown; an image as an <img> from a data: URL, which the CSP allows.
    const parts = Array.isArray(output.result) ? output.result : [];
    for (const part of parts) {
      if (part?.type === 'image' && typeof part.data === 'string' && /^image\/[\w.+-]+$/.test(part.mediaType)) {
        const image = el('img');
        image.alt = `Image from ${event.name}`;
        image.src = `data:${part.mediaType};base64,${part.data}`;
        result.append(image);
      } else if (part?.type === 'document') {
        result.append(el('p', `Document (${part.mediaType})`, 'hint'));
      }
    }
    if (output.context === undefined && parts.length === 0 && output.result !== undefined) result.append(el('pre', json(output.result)));
  }

  on_usage(event) {
    const agent = this.agentNode(event.agentId);
    this.total.input += event.inputTokens;
    this.total.output += event.outputTokens;
    const cached = event.cacheReadTokens ? `, ${event.cacheReadTokens} cached` : '';
    agent.body.append(stamp(el('p', `Turn: ${event.inputTokens} in${cached} · ${event.outputTokens} out`, 'usage')));
    this.totalLine.textContent = `Total: ${this.total.input} tokens in · ${this.total.output} out`;
  }

  on_harness_end(event) {
    const agent = this.agentNode(event.agentId);
    const parts = [event.reason ? `Ended: ${event.reason}` : 'Finished'];
    if (event.iterations !== undefined) parts.push(`${event.iterations} iterations`);
    if (event.totalUsage) parts.push(`${event.totalUsage.inputTokens ?? 0} in · ${event.totalUsage.outputTokens ?? 0} out`);
    agent.body.append(stamp(el('p', parts.join(' · '), 'end')));
    if (event.agentId === this.rootAgentId) this.root.append(this.totalLine);
  }

  on_error(event) {
    this.error(event.message, event.agentId);
  }

  /** A note on the stream itself (a reconnection, events no longer held), at the end of the run. */
  note(message) {
    this.root.append(stamp(el('p', message, 'hint')));
  }

  /** An error shown where it happened: in its agent, else at the end of the run. */
  error(message, agentId) {
    const node = stamp(el('p', `Error: ${message}`, 'error'));
    node.setAttribute('role', 'alert');
    (agentId && this.agents.get(agentId)?.body || this.root).append(node);
  }

  on_repl_input(event) {
    const block = stamp(el('div', undefined, 'repl'));
    block.append(el('p', `REPL input (iteration ${event.iteration})`, 'hint'), el('pre', event.code));
    this.replOutput = el('pre');
    block.append(this.replOutput);
    this.agentNode(event.agentId).body.append(block);
  }

  on_repl_progress(event) {
    if (this.replOutput) this.replOutput.textContent += event.chunk;
  }

  on_repl_output(event) {
    const out = this.replOutput ?? el('pre');
    out.textContent = event.stdout + (event.error ? `\n${event.error}` : '');
    out.title = `${event.durationMs} ms${event.truncated ? ', truncated' : ''}`;
    if (event.error) out.classList.add('error');
    this.replOutput = undefined;
  }

  /** The stream ended: relays still open can no longer be answered. */
  close() {
    for (const settle of this.relays.values()) settle('no longer pending (the run ended)');
  }
}
