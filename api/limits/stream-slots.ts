// Open SSE streams per API key. The route's middleware takes a slot before the handler runs; the
// handler hands it to the stream it opens (released when that stream closes), and a request that
// opens no stream (a 404, a client gone early) gives it back as soon as the handler returns.
export class StreamSlots {
  private readonly open = new Map<string, number>();

  /** `max` per key; 0 means no cap. */
  constructor(readonly max: number) {}

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** A release function (idempotent), or undefined when the key already holds `max` streams. */
  acquire(key: string): (() => void) | undefined {
    const held = this.count(key);
    if (this.max > 0 && held >= this.max) return undefined;
    this.open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(key) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }
}

interface Held {
  release: () => void;
  taken: boolean;
}

/** The slot each request holds, by its Request object (the same in middleware and handler). */
const held = new WeakMap<Request, Held>();

export function holdSlot(request: Request, release: () => void): Held {
  const entry = { release, taken: false };
  held.set(request, entry);
  return entry;
}

/** For the stream: the release to call when it closes (a no-op where the route holds no slot). */
export function takeSlot(request: Request): () => void {
  const entry = held.get(request);
  if (!entry) return () => undefined;
  entry.taken = true;
  return entry.release;
}
