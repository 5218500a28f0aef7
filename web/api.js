// The API as the console uses it: same-origin fetch with the session cookie (sent by the
// browser; the page never holds the key after sign-in), and SSE read over fetch, resumed with
// Last-Event-ID after a drop.
export async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...options,
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message ?? body.error ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

export const post = (path, body, method = 'POST') => api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

/** Follow one SSE stream until `signal` aborts; `onEvent(type, payload)` per event. */
export async function follow(path, signal, onEvent) {
  let lastId;
  while (!signal.aborted) {
    try {
      const response = await fetch(path, { credentials: 'same-origin', headers: lastId ? { 'last-event-id': lastId } : {}, signal });
      if (!response.ok) return;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let split;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const message = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) message.event = line.slice(6).trim();
            else if (line.startsWith('data:')) message.data += line.slice(5).trim();
            else if (line.startsWith('id:')) lastId = line.slice(3).trim();
          }
          if (message.data && message.event !== 'connected') onEvent(message.event, JSON.parse(message.data));
        }
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the server ends streams after the end, or every 5 minutes
    } catch {
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
