// A run's event stream, resumed (SPEC §9, docs/resume.md): when the gateway numbers its events (RESUME_GRACE_SECONDS
// above 0), the tab keeps the running session in sessionStorage so a reload draws it again, and a stream cut off is
// picked up after its last event. Without ids (the grace at 0) nothing is kept and a cut ends the run, as before.
import { api, errorOf } from './api.js';
import { readEvents } from './sse.js';

const runStorage = 'gateway.run';
const reconnects = 3; // attempts after a cut, 1 s, 2 s, 3 s apart; an event read starts the count again

/** The run this tab was following ({sessionId, history}), kept until it ends. */
export const keptRun = {
  load() {
    try {
      return JSON.parse(sessionStorage.getItem(runStorage) ?? 'null');
    } catch {
      return null;
    }
  },
  keep(sessionId, history) {
    try {
      sessionStorage.setItem(runStorage, JSON.stringify({ sessionId, history }));
    } catch { /* over the storage quota (large attachments): this run is not resumed after a reload */ }
  },
  forget: () => sessionStorage.removeItem(runStorage),
};

/**
 * GET /chat/:sessionId/events after `afterId`: the response to read, or undefined when there is nothing more to read
 * (204: every event was read; 404: the session has ended or expired, said in the view). A 409 (the buffer no longer
 * holds those events) is followed from the oldest event held, said in the view too.
 */
export async function reopen(view, sessionId, afterId, signal) {
  const events = (after) => api(`chat/${encodeURIComponent(sessionId)}/events`, { headers: { 'Last-Event-ID': String(after) }, signal });
  let response = await events(afterId);
  if (response.status === 409) {
    const { oldestEventId } = await response.json();
    view.note(`Events before ${oldestEventId} are no longer held: the run is shown from there.`);
    response = await events(oldestEventId - 1);
  }
  // WHATWG HTML §9.2.3: 204 is the end of the stream.
  if (response.status === 204) return undefined;
  if (response.status === 404) {
    view.note('The session has ended or expired.');
    return undefined;
  }
  if (!response.ok) throw new Error(await errorOf(response));
  return response;
}

/**
 * Reads a run into `view` until its stream ends. `open(afterId)` gives the stream after an event (undefined: from the
 * start); with ids, the run is kept for a reload and a cut stream is opened again after the last event read.
 */
export async function follow(view, history, open, signal, onEvent) {
  let lastId;
  let failures = 0;
  for (;;) {
    try {
      const response = await open(lastId);
      if (!response) return;
      for await (const { event, data, id } of readEvents(response.body, signal)) {
        view.apply(event, JSON.parse(data));
        if (id !== undefined) {
          if (lastId === undefined) keptRun.keep(view.sessionId, history);
          lastId = Number(id);
          failures = 0;
        }
        onEvent();
      }
      // A clean end: the run ended, or another reader of the session (another tab) took it over.
      return;
    } catch (error) {
      if (signal.aborted || lastId === undefined || ++failures > reconnects) throw error;
    }
    view.note(`The connection dropped: reconnecting after event ${lastId}…`);
    await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
  }
}
