// The permissions sent with each new chat (SPEC §6), edited as rows and kept in localStorage.
const storage = 'gateway.permissions';

const el = (tag, text) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
};

let rules = load();

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(storage) ?? '[]');
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

const save = () => localStorage.setItem(storage, JSON.stringify(rules));

// "command=git **, cwd=src/**" ⇄ {command: "git **", cwd: "src/**"}
const parseParams = (text) => Object.fromEntries(text.split(',').map((pair) => pair.split('=')).filter(([name, glob]) => name?.trim() && glob !== undefined)
  .map(([name, ...glob]) => [name.trim(), glob.join('=').trim()]));
const formatParams = (params) => Object.entries(params ?? {}).map(([name, glob]) => `${name}=${glob}`).join(', ');

/** The Permissions object of SPEC §6 for the rules in the editor. */
export function permissions() {
  const rule = ({ tool, params, reason }, withReason) => {
    const result = { tool };
    if (Object.keys(params ?? {}).length > 0) result.params = params;
    if (withReason && reason) result.reason = reason;
    return result;
  };
  const valid = rules.filter((r) => r.tool);
  return {
    allowlist: valid.filter((r) => r.kind === 'allow').map((r) => rule(r, false)),
    deny: valid.filter((r) => r.kind === 'deny').map((r) => rule(r, true)),
  };
}

/** Fills `list` with the editor's rows and wires `addButton`. */
export function permissionsEditor(list, addButton) {
  const render = () => {
    list.replaceChildren(...rules.map((rule, index) => row(rule, index)));
  };
  const row = (rule, index) => {
    const item = el('li');
    const field = (labelText, control) => {
      const label = el('label', labelText);
      control.id = `rule-${index}-${labelText.toLowerCase()}`;
      label.htmlFor = control.id;
      item.append(label, control);
      return control;
    };
    const kind = field('Kind', el('select'));
    for (const [value, text] of [['allow', 'allow'], ['deny', 'deny']]) {
      const option = el('option', text);
      option.value = value;
      kind.append(option);
    }
    kind.value = rule.kind;
    const tool = field('Tool', el('input'));
    tool.value = rule.tool ?? '';
    tool.placeholder = 'bash';
    const params = field('Params', el('input'));
    params.value = formatParams(rule.params);
    params.placeholder = 'command=git **';
    const reason = field('Reason', el('input'));
    reason.value = rule.reason ?? '';
    reason.placeholder = 'deny only';
    const update = () => {
      rules[index] = { kind: kind.value, tool: tool.value.trim(), params: parseParams(params.value), reason: reason.value.trim() };
      save();
    };
    for (const control of [kind, tool, params, reason]) control.addEventListener('change', update);
    const remove = el('button', 'Remove');
    remove.type = 'button';
    remove.className = 'remove';
    remove.setAttribute('aria-label', `Remove rule ${index + 1}`);
    remove.addEventListener('click', () => {
      rules.splice(index, 1);
      save();
      render();
    });
    item.append(remove);
    return item;
  };
  addButton.addEventListener('click', () => {
    rules.push({ kind: 'allow', tool: '', params: {} });
    render();
    list.querySelector('li:last-child input')?.focus();
  });
  render();
}
