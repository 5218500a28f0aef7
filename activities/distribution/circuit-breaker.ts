// A circuit breaker per channel, per worker process (like Resilience4j's per-instance breakers):
// after `failureThreshold` consecutive transient failures a channel's calls fail fast for
// `openMs`; then one call is let through, and its outcome closes or re-opens the circuit.
import type { ChannelType } from '../../domain/channels.js';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
  /**
   * Told each time a channel's circuit is first used and each time its open-until time changes
   * (0 when closed): the worker exports it as a gauge (worker/circuit-metrics.ts).
   */
  onChange?: (channel: ChannelType, openUntilMs: number, opened: boolean) => void;
}

export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(
    readonly channel: ChannelType,
    readonly retryAfterMs: number,
  ) {
    super(`${channel}: circuit open after repeated failures; calls fail fast for another ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

interface Circuit {
  consecutiveFailures: number;
  openUntil: number;
}

export class ChannelCircuitBreakers {
  private readonly circuits = new Map<ChannelType, Circuit>();
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  private circuit(channel: ChannelType): Circuit {
    let circuit = this.circuits.get(channel);
    if (!circuit) {
      this.circuits.set(channel, (circuit = { consecutiveFailures: 0, openUntil: 0 }));
      this.options.onChange?.(channel, 0, false);
    }
    return circuit;
  }

  /** Throws CircuitOpenError while the channel's circuit is open. */
  assertClosed(channel: ChannelType): void {
    const remaining = this.circuit(channel).openUntil - this.now();
    if (remaining > 0) throw new CircuitOpenError(channel, remaining);
  }

  recordSuccess(channel: ChannelType): void {
    const circuit = this.circuit(channel);
    circuit.consecutiveFailures = 0;
    if (circuit.openUntil !== 0) this.options.onChange?.(channel, 0, false);
    circuit.openUntil = 0;
  }

  recordFailure(channel: ChannelType): void {
    const circuit = this.circuit(channel);
    circuit.consecutiveFailures += 1;
    if (circuit.consecutiveFailures >= this.options.failureThreshold) {
      circuit.openUntil = this.now() + this.options.openMs;
      this.options.onChange?.(channel, circuit.openUntil, true);
    }
  }

  state(channel: ChannelType): 'CLOSED' | 'OPEN' {
    return this.circuit(channel).openUntil > this.now() ? 'OPEN' : 'CLOSED';
  }
}
