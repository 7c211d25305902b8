import { api } from './api.js';

// A live view of GET /metrics (Prometheus text format 0.0.4): only the series shown are read. Polled while the page
// is visible and the panel open; hidden when /metrics is not served to this client.
const pollMilliseconds = 5000;

/** Sums every sample of `name` whose labels contain `labelFilter`. */
function sum(text, name, labelFilter = '') {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (labelFilter && !rest.includes(labelFilter)) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      total += value;
      found = true;
    }
  }
  return found ? total : undefined;
}

export function metricsPanel(panel, list) {
  let previous;
  let timer;
  const show = (rows) => {
    list.replaceChildren(...rows.flatMap(([term, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      return [dt, dd];
    }));
  };
  const poll = async () => {
    clearTimeout(timer);
    if (document.visibilityState !== 'visible') return;
    let text;
    try {
      const response = await api('metrics');
      if (!response.ok) throw new Error(String(response.status));
      text = await response.text();
    } catch {
      panel.hidden = true;
      return; // Not served here (or not to this key): no panel, no more polling.
    }
    panel.hidden = false;
    const now = performance.now();
    const output = sum(text, 'gateway_tokens_total', 'kind="output"') ?? 0;
    const rate = previous ? (output - previous.output) / ((now - previous.at) / 1000) : undefined;
    previous = { output, at: now };
    const ttftSum = sum(text, 'gateway_upstream_time_to_first_token_seconds_sum');
    const ttftCount = sum(text, 'gateway_upstream_time_to_first_token_seconds_count');
    show([
      ['Sessions running', String(sum(text, 'gateway_sessions_active') ?? 0)],
      ['Output tokens/s', rate === undefined ? '…' : rate.toFixed(1)],
      ['Time to first token (mean)', ttftCount ? `${((ttftSum / ttftCount) * 1000).toFixed(0)} ms` : '—'],
      ['Relays pending', String(sum(text, 'gateway_relays_pending') ?? 0)],
    ]);
    if (panel.open) timer = setTimeout(poll, pollMilliseconds);
  };
  document.addEventListener('visibilitychange', poll);
  panel.addEventListener('toggle', poll);
  return poll;
}
