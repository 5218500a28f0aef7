// Starts every channel emulator on one port:
//   /instagram/...                     Instagram Graph API (content publishing)
//   /partners/{naver-blog|kakao-channel|wooridongne-tv|ringo-biz|genie-tv}/...  partner protocol
//   /_emulator/...                     sandbox controls (state, faults, reset)
import { Hono } from 'hono';
import type { PartnerChannelType } from '../../domain/channels.js';
import { createControlApp } from './control-app.js';
import { ChannelEmulatorState } from './emulator-state.js';
import { createInstagramApp } from './instagram-app.js';
import { InstagramEmulatorState } from './instagram-state.js';
import type { InstagramEmulatorOptions } from './instagram-state.js';
import { createPartnerApp } from './partner-app.js';
import { PartnerEmulatorState } from './partner-state.js';
import { channelFaultAnswers } from './fault-answers.js';
import { withFaults } from '../fault-handler.js';
import type { FaultInjector } from '../faults.js';
import { listen } from '../listen.js';

export const PARTNER_PATHS: Record<PartnerChannelType, string> = {
  NAVER_BLOG: 'naver-blog',
  KAKAO_CHANNEL: 'kakao-channel',
  WOORIDONGNE_TV: 'wooridongne-tv',
  RINGO_BIZ: 'ringo-biz',
  GENIE_TV: 'genie-tv',
};

export interface ChannelEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  hostname?: string;
  /** The credentials the emulated channels accept; one string gives every partner the same token. */
  tokens: { instagram: string; partners: string | Record<PartnerChannelType, string> };
  instagram?: Omit<InstagramEmulatorOptions, 'accessToken' | 'igUserId'> & { igUserId?: string };
  /** Injected throttling, 5xx and timeouts on the channel APIs (fault suite). */
  faults?: FaultInjector;
}

export interface RunningChannelEmulators {
  /** Base URL, e.g. http://127.0.0.1:43125 (Instagram at `${url}/instagram`). */
  url: string;
  state: ChannelEmulatorState;
  close(): Promise<void>;
}

export const DEFAULT_SANDBOX_IG_USER_ID = '17841400000000001';

export async function startChannelEmulators(options: ChannelEmulatorOptions): Promise<RunningChannelEmulators> {
  const { tokens } = options;
  const partnerToken = (channel: PartnerChannelType) => (typeof tokens.partners === 'string' ? tokens.partners : tokens.partners[channel]);
  const partners = Object.fromEntries(
    Object.keys(PARTNER_PATHS).map((channel) => {
      const type = channel as PartnerChannelType;
      return [type, new PartnerEmulatorState(type, partnerToken(type))];
    }),
  ) as Record<PartnerChannelType, PartnerEmulatorState>;
  const instagram = new InstagramEmulatorState({
    ...options.instagram,
    igUserId: options.instagram?.igUserId ?? DEFAULT_SANDBOX_IG_USER_ID,
    accessToken: tokens.instagram,
  });
  const state = new ChannelEmulatorState(instagram, partners);

  const app = new Hono();
  app.route('/_emulator', createControlApp(state));
  app.route('/instagram', createInstagramApp(instagram));
  for (const [channel, path] of Object.entries(PARTNER_PATHS)) {
    app.route(`/partners/${path}`, createPartnerApp(partners[channel as PartnerChannelType]));
  }

  const listening = await listen(withFaults(app.fetch, 'channels', options.faults, channelFaultAnswers(app)), options);
  return { url: listening.url, state, close: listening.close };
}
