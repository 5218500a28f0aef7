// Stands in for a channel whose endpoint or token is not configured outside sandbox mode, so a
// distribution to it fails clearly (permanently, naming the variables) instead of at start-up.
import { PermanentChannelError } from './errors.js';
import type { ChannelAdapter, ChannelType } from './types.js';

export function createUnconfiguredAdapter(channel: ChannelType, missing: string[]): ChannelAdapter {
  const fail = async (): Promise<never> => {
    throw new PermanentChannelError(channel, `channel not configured: set ${missing.join(' and ')}`);
  };
  return { channel, prepare: fail, publish: fail };
}
