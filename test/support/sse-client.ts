// A minimal EventSource-style reader over fetch, so tests see exactly the bytes a browser would.
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

export interface SseReadResult {
  messages: SseMessage[];
  comments: string[];
  /** True when the server closed the stream (rather than the reader stopping). */
  closedByServer: boolean;
}

export async function readSse(
  url: string,
  headers: Record<string, string>,
  stopWhen: (messages: SseMessage[]) => boolean = () => false,
  timeoutMs = 30_000,
): Promise<SseReadResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`SSE request failed: ${response.status} ${await response.text()}`);
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let closedByServer = false;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        closedByServer = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const message: SseMessage = { event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('id:')) message.id = line.slice(3).trim();
          else if (line.startsWith('event:')) message.event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          else if (line.startsWith('retry:')) message.retry = Number(line.slice(6).trim());
        }
        message.data = data.join('\n');
        if (data.length > 0 || message.id !== undefined) messages.push(message);
      }
      if (stopWhen(messages)) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return { messages, comments, closedByServer };
}
