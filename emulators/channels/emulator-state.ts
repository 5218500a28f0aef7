// All channel emulators' state in one place, with the runtime switches tests and people use:
// clear the faults ("the channel is fixed"), restore them, or start over.
import { CHANNEL_TYPES } from '../../domain/channels.js';
import type { ChannelType, PartnerChannelType } from '../../domain/channels.js';
import type { InstagramEmulatorState } from './instagram-state.js';
import type { PartnerEmulatorState } from './partner-state.js';

export class ChannelEmulatorState {
  constructor(
    readonly instagram: InstagramEmulatorState,
    readonly partners: Record<PartnerChannelType, PartnerEmulatorState>,
  ) {}

  #emulator(channel: ChannelType): InstagramEmulatorState | PartnerEmulatorState {
    return channel === 'INSTAGRAM' ? this.instagram : this.partners[channel];
  }

  /** Test values stop causing failures on one channel, or on all of them. */
  clearFaults(channel?: ChannelType): void {
    for (const c of channel ? [channel] : CHANNEL_TYPES) this.#emulator(c).faults.clear();
  }

  restoreFaults(channel?: ChannelType): void {
    for (const c of channel ? [channel] : CHANNEL_TYPES) this.#emulator(c).faults.restore();
  }

  reset(): void {
    for (const c of CHANNEL_TYPES) this.#emulator(c).reset();
  }

  summary() {
    return Object.fromEntries(CHANNEL_TYPES.map((c) => [c, this.#emulator(c).summary()]));
  }
}
