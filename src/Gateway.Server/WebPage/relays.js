import { api, errorOf } from './api.js';

// Tabs of the page tell each other of answered relays, so a card answered in one tab settles in every other.
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('gateway-relays') : null;
const cards = new Map();
channel?.addEventListener('message', ({ data }) => cards.get(data.relayId)?.settle(data.outcome));

const el = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const stringForm = (value) => typeof value === 'string' ? value : JSON.stringify(value);
// SPEC §6: a value with a space after its first character becomes "<first word> **", else the exact value.
const firstWordGlob = (value) => value.indexOf(' ', 1) > 0 ? `${value.slice(0, value.indexOf(' ', 1))} **` : value;

/** The rule "Approve always" appends to the session's allowlist: the tool's own derivation where it has one (Gateway.Tools). */
export function alwaysRule(tool, params) {
  const p = params && typeof params === 'object' ? params : {};
  if (tool.startsWith('mcp__')) return { tool };
  if (tool === 'bash' && 'command' in p) return { tool, params: { command: firstWordGlob(stringForm(p.command)) } };
  if (tool === 'read' && 'filePath' in p) {
    const path = stringForm(p.filePath);
    return { tool, params: { filePath: path.includes('/') ? `${path.slice(0, path.lastIndexOf('/') + 1)}**` : '**' } };
  }
  if (tool === 'patch') return { tool, params: { directory: "(the patch's directory)/**" } };
  return { tool, params: Object.fromEntries(Object.entries(p).map(([name, value]) => [name, firstWordGlob(stringForm(value))])) };
}

/**
 * A permission card for a `relay` event (SPEC §5): the tool, its params, the rule "always" would add, Approve / Approve
 * always / Deny (with an optional reason), a countdown to RELAY_TIMEOUT_SECONDS (SPEC §4) and keys a / A / d.
 */
export function relayCard(event, sessionId, timeoutSeconds) {
  const card = el('section', undefined, 'relay');
  card.tabIndex = 0;
  card.dataset.relayId = event.id;
  card.setAttribute('aria-label', `Permission request: ${event.tool}`);
  card.append(el('h3', `Allow ${event.tool}?`));
  card.append(el('pre', JSON.stringify(event.params, null, 2)));
  const rule = el('p', undefined, 'hint');
  rule.append('Approve always adds: ', el('code', JSON.stringify(alwaysRule(event.tool, event.params))));
  card.append(rule);

  const buttons = el('div', undefined, 'buttons');
  const approve = el('button', 'Approve', 'primary');
  const always = el('button', 'Approve always');
  const reasonLabel = el('label', 'Reason (optional) ');
  const reason = el('input');
  reason.type = 'text';
  reasonLabel.append(reason);
  const deny = el('button', 'Deny');
  const countdown = el('span', '', 'hint');
  const outcome = el('p', '', 'outcome');
  outcome.setAttribute('role', 'status');
  for (const button of [approve, always, deny]) button.type = 'button';
  buttons.append(approve, always, reasonLabel, deny, countdown);
  card.append(buttons, outcome);

  const deadline = Date.now() + timeoutSeconds * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = `times out in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    if (left === 0) settle('expired (relay timed out)');
  };
  const timer = setInterval(tick, 1000);
  tick();

  let settled = false;
  let answering = false;
  function settle(text) {
    if (settled) return;
    settled = true;
    clearInterval(timer);
    cards.delete(event.id);
    card.classList.add('settled');
    for (const control of [approve, always, deny, reason]) control.disabled = true;
    countdown.textContent = '';
    outcome.textContent = text;
  }

  async function answer(response, text) {
    if (settled || answering) return;
    answering = true;
    for (const control of [approve, always, deny]) control.disabled = true;
    try {
      const reply = await api(`chat/relay/${encodeURIComponent(event.id)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sessionId, response }),
      });
      if (reply.ok) {
        settle(text);
        channel?.postMessage({ relayId: event.id, outcome: text });
      } else if (reply.status === 404) {
        settle('answered elsewhere or expired');
      } else {
        outcome.textContent = await errorOf(reply);
        for (const control of [approve, always, deny]) control.disabled = false;
      }
    } catch (error) {
      outcome.textContent = `Could not answer: ${error.message}`;
      for (const control of [approve, always, deny]) control.disabled = false;
    } finally {
      answering = false;
    }
  }

  const approveOnce = () => answer({ approved: true }, 'approved');
  const approveAlways = () => answer({ approved: true, always: true }, 'approved always');
  const denyCall = () => answer(reason.value.trim() ? { approved: false, reason: reason.value.trim() } : { approved: false }, 'denied');
  approve.addEventListener('click', approveOnce);
  always.addEventListener('click', approveAlways);
  deny.addEventListener('click', denyCall);
  card.addEventListener('keydown', (e) => {
    if (e.target !== card || e.ctrlKey || e.metaKey || e.altKey) return;
    const action = { a: approveOnce, A: approveAlways, d: denyCall }[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  });

  cards.set(event.id, { settle });
  // What the stream shows of the call settles the card too, unless this card's own answer is on its way (its reply says more).
  return { card, settle: (text) => answering || settle(text) };
}
