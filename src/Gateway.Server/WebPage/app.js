import { api, apiKey, errorOf, UnauthorizedError } from './api.js';
import { renderMarkdown } from './markdown.js';
import { follow, keptRun, reopen } from './run-stream.js';
import { RunView } from './run-view.js';
import { permissions, permissionsEditor } from './permissions.js';
import { metricsPanel } from './metrics.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const conversation = $('conversation');
const form = $('composer');
const prompt = $('prompt');
const modelSelect = $('model');
const sendButton = $('send');
const stopButton = $('stop');
const attachmentsList = $('attachments');
const keyForm = $('key-form');

let config = { relayTimeoutSeconds: 600, keysRequired: false, maxBodyBytes: 4 * 1024 * 1024 };
let messages = [];
let attachments = [];
let running;

const say = (text) => { status.textContent = text; };

function showKeyForm(message) {
  keyForm.hidden = false;
  $('key-toggle').setAttribute('aria-expanded', 'true');
  if (message) {
    $('key-message').textContent = message;
    keyForm.classList.add('needed');
  }
  $('key').focus();
}

function unauthorized() {
  say('Unauthorized: enter the API key.');
  showKeyForm('The gateway answered 401 Unauthorized: enter a valid API key (one of GATEWAY_API_KEYS).');
}

async function loadModels() {
  try {
    const response = await api('models');
    if (!response.ok) throw new Error(await errorOf(response));
    const { models, defaultModel } = await response.json();
    modelSelect.replaceChildren(...models.map((id) => {
      const option = document.createElement('option');
      option.value = option.textContent = id;
      option.selected = id === defaultModel;
      return option;
    }));
    say(models.length ? 'Ready.' : 'The gateway serves no model.');
    return true;
  } catch (error) {
    if (error instanceof UnauthorizedError) unauthorized();
    else say(`Could not list models: ${error.message}`);
    return false;
  }
}

function userMessage(text, files) {
  const node = document.createElement('div');
  node.className = 'message user';
  node.textContent = text;
  node.title = new Date().toLocaleTimeString();
  for (const file of files) {
    const tag = document.createElement('span');
    tag.className = 'hint';
    tag.textContent = ` [${file.name}]`;
    node.append(tag);
  }
  conversation.append(node);
}

function setRunning(controller) {
  running = controller;
  sendButton.hidden = Boolean(controller);
  stopButton.hidden = !controller;
  conversation.setAttribute('aria-busy', String(Boolean(controller)));
}

function assistantMessage(text) {
  const node = document.createElement('div');
  node.className = 'message assistant';
  node.append(renderMarkdown(text));
  conversation.append(node);
}

async function send() {
  const text = prompt.value.trim();
  if (running || (!text && attachments.length === 0)) return;
  $('empty')?.remove();
  const parts = attachments.map(({ type, mediaType, data }) => ({ type, mediaType, data }));
  const content = parts.length ? [...(text ? [{ type: 'text', text }] : []), ...parts] : text;
  const history = [...messages, { role: 'user', content }];
  userMessage(text, attachments);
  prompt.value = '';
  attachments = [];
  renderAttachments();

  await run(history, 'Streaming…', async (view, afterId, signal) => {
    if (afterId !== undefined) return reopen(view, view.sessionId, afterId, signal);
    const response = await api('chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: modelSelect.value, messages: history, permissions: permissions() }),
      signal,
    });
    if (!response.ok) throw new Error(await errorOf(response));
    return response;
  });
}

/** After a reload: the conversation of the run this tab was following, and the run drawn again from its first event. */
async function resumeKeptRun() {
  const kept = keptRun.load();
  if (!kept) return;
  $('empty')?.remove();
  for (const { role, content } of kept.history) {
    const parts = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
    const text = parts.filter((part) => part.type === 'text').map((part) => part.text).join('\n');
    if (role === 'user') userMessage(text, parts.filter((part) => part.type !== 'text').map((part) => ({ name: part.mediaType })));
    else assistantMessage(text);
  }
  messages = kept.history.slice(0, -1);
  await run(kept.history, 'Resuming the run…', (view, afterId, signal) => reopen(view, kept.sessionId, afterId ?? 0, signal));
}

/** Follows one run in a new view: `open(view, afterId, signal)` gives its stream (run-stream.js). */
async function run(history, saying, open) {
  const view = new RunView(conversation, config);
  const controller = new AbortController();
  setRunning(controller);
  say(saying);
  try {
    await follow(view, history, (afterId) => open(view, afterId, controller.signal), controller.signal, () => {
      conversation.scrollTop = conversation.scrollHeight;
    });
    messages = [...history, { role: 'assistant', content: view.answer }];
    say('Done.');
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      view.error('Unauthorized (401)');
      unauthorized();
    } else if (controller.signal.aborted) {
      view.error('Stopped.');
      say('Stopped.');
    } else {
      // The connection dropped or the request failed: said in place; the page stays usable for the next message.
      view.error(`The stream broke off: ${error.message}`);
      say('The stream broke off.');
    }
  } finally {
    keptRun.forget();
    view.close();
    setRunning(undefined);
    prompt.focus();
  }
}

const readAsBase64 = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

// Base64 grows a file by 4/3; the rest of the body (history, permissions) needs room too.
const attachmentBudget = () => Math.floor((config.maxBodyBytes * 3) / 4) - 64 * 1024;

async function attach(files) {
  for (const file of files) {
    const used = attachments.reduce((sum, a) => sum + a.size, 0);
    if (used + file.size > attachmentBudget()) {
      say(`${file.name} is too large: attachments may total ${formatSize(attachmentBudget())}.`);
      continue;
    }
    const data = await readAsBase64(file);
    const image = file.type.startsWith('image/');
    attachments.push({ type: image ? 'image' : 'document', mediaType: file.type || 'application/octet-stream', data, name: file.name, size: file.size });
  }
  renderAttachments();
}

const formatSize = (bytes) => bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

function renderAttachments() {
  attachmentsList.replaceChildren(...attachments.map((attachment, index) => {
    const item = document.createElement('li');
    item.textContent = `${attachment.name} (${formatSize(attachment.size)}) `;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${attachment.name}`);
    remove.addEventListener('click', () => {
      attachments.splice(index, 1);
      renderAttachments();
    });
    item.append(remove);
    return item;
  }));
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
stopButton.addEventListener('click', () => running?.abort());
$('new-chat').addEventListener('click', () => {
  running?.abort();
  keptRun.forget();
  messages = [];
  conversation.replaceChildren();
  say('New chat.');
  prompt.focus();
});
$('files').addEventListener('change', async (e) => {
  await attach([...e.target.files]);
  e.target.value = '';
});
$('key-toggle').addEventListener('click', () => {
  const open = keyForm.hidden;
  keyForm.hidden = !open;
  $('key-toggle').setAttribute('aria-expanded', String(open));
  if (open) $('key').focus();
});
keyForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  apiKey.set($('key').value.trim());
  $('key').value = '';
  if (await loadModels()) {
    keyForm.hidden = true;
    keyForm.classList.remove('needed');
    $('key-toggle').setAttribute('aria-expanded', 'false');
    pollMetrics();
    prompt.focus();
  }
});
$('key-forget').addEventListener('click', () => {
  apiKey.set('');
  say('Key forgotten.');
});

permissionsEditor($('rules'), $('add-rule'));
const pollMetrics = metricsPanel($('metrics-panel'), $('metrics'));

try {
  const response = await api('ui/config.json');
  if (response.ok) config = await response.json();
} catch { /* the defaults above */ }
$('attach-limit').textContent = `up to ${formatSize(attachmentBudget())} in all`;
if (await loadModels()) pollMetrics();
// Set once the page can be used (models listed or the key field shown): the browser tests wait for it.
document.body.dataset.ready = 'true';
await resumeKeptRun();
