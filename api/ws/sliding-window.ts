// A sliding window of event times: how many things happened within the last `windowMs`. Used
// for the incoming message rate and the outgoing broadcast rate of one WebSocket client.
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Forgets the events that have left the window; true when one more fits. */
  hasRoom(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    return this.times.length < this.max;
  }

  record(now: number, count = 1): void {
    for (let i = 0; i < count; i += 1) this.times.push(now);
  }

  /** How many more fit now. */
  room(now: number): number {
    this.hasRoom(now);
    return this.max - this.times.length;
  }

  /** How long until the oldest event leaves the window (when hasRoom said no). */
  msUntilRoom(now: number): number {
    return this.times[0]! + this.windowMs - now;
  }
}
