// Markdown to DOM with createElement and textContent only, never innerHTML: model or tool text cannot become markup,
// by construction. Our own ~100 lines rather than a vendored library: no third-party code in the page, a few KB, and
// the CSP forbids what most of them rely on (inline styles, HTML passthrough).

const el = (tag, text) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Renders `source` into a new element of class `md`. */
export function renderMarkdown(source) {
  const root = el('div');
  root.className = 'md';
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const code = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) code.push(lines[i]);
      i++;
      const pre = el('pre');
      const codeNode = el('code', code.join('\n'));
      if (fence[2]) codeNode.dataset.language = fence[2];
      pre.append(codeNode);
      root.append(pre);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      root.append(inline(el(`h${heading[1].length}`), heading[2]));
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i++) quoted.push(lines[i].replace(/^\s*>\s?/, ''));
      const quote = el('blockquote');
      quote.append(...renderMarkdown(quoted.join('\n')).childNodes);
      root.append(quote);
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/;
    if (item.test(line)) {
      const ordered = /\d/.test(item.exec(line)[1]);
      const list = el(ordered ? 'ol' : 'ul');
      for (; i < lines.length && item.test(lines[i]); i++) list.append(inline(el('li'), lines[i].replace(item, '')));
      root.append(list);
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) {
      const cells = (row) => row.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
      const table = el('table');
      const head = el('tr');
      for (const cell of cells(line)) head.append(inline(el('th'), cell));
      table.append(head);
      for (i += 2; i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i]); i++) {
        const row = el('tr');
        for (const cell of cells(lines[i])) row.append(inline(el('td'), cell));
        table.append(row);
      }
      root.append(table);
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const paragraph = [];
    for (; i < lines.length && lines[i].trim() !== '' && !/^(\s*(```|~~~|>|[-*+]\s|\d+[.)]\s)|#{1,6}\s)/.test(lines[i]); i++) paragraph.push(lines[i]);
    if (paragraph.length === 0) paragraph.push(lines[i++]);
    root.append(inline(el('p'), paragraph.join('\n')));
  }
  return root;
}

const spans = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|\*([^*\s][^*]*?)\*|\b_([^_\s][^_]*?)_\b|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Appends `text`'s inline markdown (code, strong, emphasis, links) to `parent` and returns it. */
function inline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(spans)) {
    parent.append(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [, ticks, code, strong1, strong2, em1, em2, label, href] = match;
    if (ticks) parent.append(el('code', code.trim()));
    else if (strong1 ?? strong2) parent.append(inline(el('strong'), strong1 ?? strong2));
    else if (em1 ?? em2) parent.append(inline(el('em'), em1 ?? em2));
    else parent.append(link(label, href));
  }
  parent.append(text.slice(last));
  return parent;
}

/** Only http(s) links become anchors (no javascript: or data: URLs); they open apart from the page. */
function link(label, href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return `[${label}](${href})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `[${label}](${href})`;
  const anchor = inline(el('a'), label);
  anchor.href = url.href;
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer';
  return anchor;
}
