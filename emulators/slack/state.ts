// What the Slack emulator remembers: channel messages (with every update), ephemeral messages, and
// response_url deliveries. Shapes follow Slack's: `ts` is "<seconds>.<6 digits>", unique per channel.
import { randomBytes } from 'node:crypto';

export interface SlackMessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  at: Date;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  /** The bot user that posted it. */
  user: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  threadTs: string | undefined;
  /** Every version, oldest first: the post, then each chat.update. */
  history: SlackMessageVersion[];
  edited: boolean;
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  messageTs: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
}

export interface ResponseUrlPost {
  body: Record<string, unknown>;
  at: Date;
}

export interface ResponseUrlRecord {
  id: string;
  url: string;
  createdAt: Date;
  posts: ResponseUrlPost[];
  /** Posts refused: after five uses (`used_url`) or after 30 minutes (`expired_url`). */
  refused: number;
}

export type SlackApiMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'auth.test' | 'usergroups.users.list';

export interface SlackApiCall {
  method: SlackApiMethod | string;
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
}

/** Slack: a response_url takes up to five posts within 30 minutes. */
export const RESPONSE_URL_MAX_POSTS = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

export class SlackEmulatorState {
  readonly #messages = new Map<string, SlackMessage[]>();
  readonly #ephemerals: SlackEphemeral[] = [];
  readonly #responseUrls = new Map<string, ResponseUrlRecord>();
  readonly calls: SlackApiCall[] = [];
  /** The workspace's user groups (S… id → member user ids), as an admin set them up; tests set them. */
  readonly userGroups = new Map<string, string[]>();
  #lastTs = 0;
  /** Set by the server once it listens; response URLs are built from it. */
  baseUrl = '';

  readonly #botTokens: Set<string>;

  constructor(
    readonly botToken: string,
    readonly botUserId = 'U0SWITCHYARD',
    readonly teamId = 'T0SANDBOX',
  ) {
    this.#botTokens = new Set([botToken]);
  }

  /**
   * Another token for the same bot, as a second installation or a rotated token is in Slack. The
   * split sandbox issues one per run: production-mode processes refuse the published token.
   */
  acceptBotToken(token: string): void {
    this.#botTokens.add(token);
  }

  isBotToken(token: string): boolean {
    return this.#botTokens.has(token);
  }

  /** Messages, ephemerals and response URLs, for a snapshot of the sandbox (API calls are not kept). */
  exportData() {
    return { messages: this.#messages, ephemerals: this.#ephemerals, responseUrls: this.#responseUrls, lastTs: this.#lastTs };
  }

  importData(data: ReturnType<SlackEmulatorState['exportData']>): void {
    this.#messages.clear();
    for (const [channel, list] of data.messages) this.#messages.set(channel, list);
    this.#ephemerals.splice(0, this.#ephemerals.length, ...data.ephemerals);
    this.#responseUrls.clear();
    for (const [id, record] of data.responseUrls) this.#responseUrls.set(id, record);
    this.#lastTs = data.lastTs;
  }

  nextTs(): string {
    // Microsecond-precision and strictly increasing, like Slack's message timestamps.
    const now = Date.now() * 1000;
    this.#lastTs = Math.max(now, this.#lastTs + 1);
    const seconds = Math.floor(this.#lastTs / 1_000_000);
    const micros = String(this.#lastTs % 1_000_000).padStart(6, '0');
    return `${seconds}.${micros}`;
  }

  post(channel: string, content: Omit<SlackMessageVersion, 'at'>, threadTs?: string): SlackMessage {
    const version: SlackMessageVersion = { ...content, at: new Date() };
    const message: SlackMessage = {
      channel,
      ts: this.nextTs(),
      user: this.botUserId,
      text: content.text,
      blocks: content.blocks,
      attachments: content.attachments,
      threadTs,
      history: [version],
      edited: false,
    };
    const list = this.#messages.get(channel) ?? [];
    list.push(message);
    this.#messages.set(channel, list);
    return message;
  }

  find(channel: string, ts: string): SlackMessage | undefined {
    return this.#messages.get(channel)?.find((m) => m.ts === ts);
  }

  update(message: SlackMessage, content: Omit<SlackMessageVersion, 'at'>): SlackMessage {
    // chat.update keeps what it is not given (blocks stay unless replaced, text likewise).
    const next: SlackMessageVersion = {
      text: content.text ?? message.text,
      blocks: content.blocks ?? message.blocks,
      attachments: content.attachments ?? message.attachments,
      at: new Date(),
    };
    message.text = next.text;
    message.blocks = next.blocks;
    message.attachments = next.attachments;
    message.history.push(next);
    message.edited = true;
    return message;
  }

  postEphemeral(entry: Omit<SlackEphemeral, 'messageTs'>): SlackEphemeral {
    const ephemeral = { ...entry, messageTs: this.nextTs() };
    this.#ephemerals.push(ephemeral);
    return ephemeral;
  }

  /** The current messages of a channel (after updates), oldest first, each with its history. */
  messages(channel: string): SlackMessage[] {
    return [...(this.#messages.get(channel) ?? [])];
  }

  channels(): string[] {
    return [...this.#messages.keys()];
  }

  ephemerals(channel?: string): SlackEphemeral[] {
    return this.#ephemerals.filter((e) => channel === undefined || e.channel === channel);
  }

  /** A fresh response_url, as Slack puts in a slash command or an interaction payload. */
  newResponseUrl(): string {
    const id = `T0SANDBOX/${Date.now()}/${randomBytes(12).toString('hex')}`;
    const url = `${this.baseUrl}/response/${id}`;
    this.#responseUrls.set(id, { id, url, createdAt: new Date(), posts: [], refused: 0 });
    return url;
  }

  responseUrl(idOrUrl: string): ResponseUrlRecord | undefined {
    const id = idOrUrl.includes('/response/') ? idOrUrl.slice(idOrUrl.indexOf('/response/') + '/response/'.length) : idOrUrl;
    return this.#responseUrls.get(id);
  }

  /** Posts received at a response URL (by URL or id); [] for an unknown one. */
  responses(idOrUrl: string): Record<string, unknown>[] {
    return this.responseUrl(idOrUrl)?.posts.map((p) => p.body) ?? [];
  }

  /** Records a response_url post, or says why Slack would refuse it. */
  deliver(
    id: string,
    body: Record<string, unknown>,
    now = Date.now(),
  ): { ok: true } | { ok: false; error: 'no_url' | 'used_url' | 'expired_url' } {
    const record = this.#responseUrls.get(id);
    if (!record) return { ok: false, error: 'no_url' };
    if (now - record.createdAt.getTime() > RESPONSE_URL_LIFETIME_MS) {
      record.refused++;
      return { ok: false, error: 'expired_url' };
    }
    if (record.posts.length >= RESPONSE_URL_MAX_POSTS) {
      record.refused++;
      return { ok: false, error: 'used_url' };
    }
    record.posts.push({ body, at: new Date(now) });
    // Like Slack, `replace_original`/`delete_original` act on the message the action came from: recorded, not applied.
    return { ok: true };
  }
}
