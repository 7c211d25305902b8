// Reads a text/event-stream body (HTML Living Standard §9.2.6) from fetch(), which, unlike EventSource, can POST.
// Yields {event, data, id}; comment lines (": ping", SPEC §5) are skipped.
export async function* readEvents(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const abort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  let buffer = '';
  let event = { event: 'message', data: [], id: undefined };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.data.length > 0) yield { event: event.event, data: event.data.join('\n'), id: event.id };
          event = { event: 'message', data: [], id: undefined };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') event.event = text;
        else if (field === 'data') event.data.push(text);
        else if (field === 'id') event.id = text;
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
