// The ordered progress log every Switchyard workflow keeps in its state: `{seq, type, message,
// details, at}`, read through a query with "events after seq". Progress lives here rather than in
// extra activities, so histories stay small. Bounded: the oldest entries go first.
export interface WorkflowEvent {
  seq: number;
  type: string;
  message: string;
  details: Record<string, unknown>;
  at: string;
}

export interface EventsPage {
  events: WorkflowEvent[];
  /** The highest seq ever appended (also when older entries were dropped). */
  lastSeq: number;
  /** True once the workflow has emitted its final event: streams may close. */
  terminal: boolean;
}

export const MAX_RETAINED_EVENTS = 500;

/** What a log carries into the next run when its workflow continues as new: seqs go on from there. */
export interface EventLogState {
  events: WorkflowEvent[];
  lastSeq: number;
  terminal: boolean;
}

export class EventLog {
  private readonly events: WorkflowEvent[] = [];
  private seq = 0;
  terminal = false;

  constructor(carried?: EventLogState) {
    if (!carried) return;
    this.events.push(...carried.events.slice(-MAX_RETAINED_EVENTS));
    this.seq = carried.lastSeq;
    this.terminal = carried.terminal;
  }

  /** The log as the next run's constructor takes it. */
  state(): EventLogState {
    return { events: [...this.events], lastSeq: this.seq, terminal: this.terminal };
  }

  /** `at` comes from the workflow clock, which is deterministic under replay. */
  append(type: string, message: string, details: Record<string, unknown> = {}): WorkflowEvent {
    const event = { seq: ++this.seq, type, message, details, at: new Date().toISOString() };
    this.events.push(event);
    if (this.events.length > MAX_RETAINED_EVENTS) this.events.shift();
    return event;
  }

  get count(): number {
    return this.seq;
  }

  since(afterSeq: number): EventsPage {
    return { events: this.events.filter((e) => e.seq > afterSeq), lastSeq: this.seq, terminal: this.terminal };
  }
}
