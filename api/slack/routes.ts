// Slack's request URL: POST /slack/events (and /slack/commands, /slack/interactions, the same
// handler). Every request is checked against its signature on the raw body before anything else.
// A command's or a click's decision is taken, and made durable in Temporal, before Slack gets its
// 200, so a crash after it loses nothing; past ACK_DEADLINE_MS Slack is answered anyway (it allows
// 3 seconds) and the outcome follows through the response_url. Slack's retries and repeated
// trigger ids are answered, not re-run.
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import { createHash } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { WebClient } from '@slack/web-api';
import type { Context } from 'hono';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/config/slack.js';
import type { SwitchyardEnv } from '../auth.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import { errorResponse } from '../errors.js';
import { SlashCommands, type SlashCommand } from './commands.js';
import { Interactions, type InteractionPayload } from './interactions.js';
import { postToResponseUrl, RecentKeys } from './respond.js';
import { verifySlackSignature } from './signature.js';

export const SLACK_PATHS = ['/slack/events', '/slack/commands', '/slack/interactions'] as const;
const MAX_BODY_BYTES = 256 * 1024;
/** How long a request's decision may take before Slack is answered without it (Slack allows 3 s). */
export const ACK_DEADLINE_MS = 2500;
/** Identical commands (same trigger_id, or the same body) within this window run once. */
export const SLACK_DEDUPE_WINDOW_MS = 5 * 60_000;

export interface SlackRouteDeps {
  deployments: DeploymentService;
  connections: ConnectionStore;
  /** The bot's Web API client (chat.update after a decision); undefined when no bot token is set. */
  slack: WebClient | undefined;
  config: SlackConfig;
  /** The AWS endpoint for /platform-status (the sandbox emulator); undefined for real AWS. */
  awsEndpoint: string | undefined;
  /** Who assumes role connections' roles (the default provider chain when absent). */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  logger: Logger;
  /** Switchyard's public URL, linked from messages. */
  publicUrl?: string;
}

export interface SlackRoutes {
  /** Resolves when the work started by earlier requests has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
}

export function registerSlackRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: SlackRouteDeps): SlackRoutes {
  const logger = deps.logger.child({ component: 'slack' });
  const commands = new SlashCommands({ ...deps, logger });
  const interactions = new Interactions({ ...deps, logger, gifs: deps.config.gifs, publicUrl: deps.publicUrl });
  const recent = new RecentKeys(SLACK_DEDUPE_WINDOW_MS);
  const pending = new Set<Promise<unknown>>();

  /** Logged and counted in `pending` until settled; undefined when it failed (already logged). */
  const track = <T>(name: string, work: Promise<T>): Promise<T | undefined> => {
    const task = work.catch((error: unknown) => {
      logger.error({ err: error, task: name }, 'Slack work failed');
      return undefined;
    });
    pending.add(task);
    void task.finally(() => pending.delete(task));
    return task;
  };

  /** Work after the acknowledgement: reads and follow-ups only, never a decision. */
  const runLater = (name: string, work: () => Promise<void>) => {
    void track(name, work());
  };

  const handler = async (c: Context) => {
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return errorResponse(c, 413, 'Slack request body too large');
    const raw = await c.req.text();
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return errorResponse(c, 413, 'Slack request body too large');
    if (!deps.config.signingSecret) return errorResponse(c, 503, 'Slack is not configured: set SLACK_SIGNING_SECRET');
    const check = verifySlackSignature({
      signingSecret: deps.config.signingSecret,
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      rawBody: raw,
    });
    if (!check.ok) {
      logger.warn({ path: c.req.path, reason: check.reason }, 'Slack request refused');
      return errorResponse(c, 401, check.reason);
    }
    // Slack retries when it did not see our 200 in time: the first delivery is (being) handled.
    if (c.req.header('x-slack-retry-num')) {
      c.header('X-Slack-No-Retry', '1');
      return c.body(null, 200);
    }

    const type = c.req.header('content-type') ?? '';
    if (type.includes('application/json')) return handleEvent(c, raw);
    const form = new URLSearchParams(raw);
    if (form.has('ssl_check')) return c.body(null, 200);
    const payload = form.get('payload');
    if (payload !== null) return handleInteraction(c, payload);
    if (form.has('command')) return handleCommand(c, form, raw);
    return errorResponse(c, 400, 'Not a Slack slash command, interaction or event');
  };

  const handleEvent = (c: Context, raw: string) => {
    let event: { type?: unknown; challenge?: unknown };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      return errorResponse(c, 400, 'Invalid JSON body');
    }
    if (event.type === 'url_verification') {
      if (typeof event.challenge !== 'string') return errorResponse(c, 400, 'url_verification without a challenge');
      return c.text(event.challenge, 200);
    }
    // Switchyard subscribes to no events; acknowledge whatever Slack sends so it does not retry.
    return c.body(null, 200);
  };

  const handleInteraction = async (c: Context, raw: string) => {
    let payload: InteractionPayload;
    try {
      payload = JSON.parse(raw) as InteractionPayload;
    } catch {
      return errorResponse(c, 400, 'Invalid interaction payload');
    }
    if (payload.trigger_id && !recent.add(`interaction:${payload.trigger_id}`)) return c.body(null, 200);
    const work = interactions.handle(payload);
    if (work) await withinAckDeadline(track('interaction', work()));
    return c.body(null, 200);
  };

  const handleCommand = async (c: Context, form: URLSearchParams, raw: string) => {
    const triggerId = form.get('trigger_id') ?? undefined;
    const requestKey = triggerId ?? createHash('sha256').update(raw).digest('hex');
    const key = `command:${requestKey}`;
    // A cheap first filter for repeats at this replica; what makes a repeat at any replica start
    // nothing is the deployment id derived from requestKey (see commands.ts).
    if (!recent.add(key)) {
      logger.info({ command: form.get('command'), triggerId }, 'repeated Slack command ignored');
      return c.body(null, 200);
    }
    const command: SlashCommand = {
      command: form.get('command') ?? '',
      text: form.get('text') ?? '',
      userId: form.get('user_id') ?? '',
      userName: form.get('user_name') ?? undefined,
      channelId: form.get('channel_id') ?? undefined,
      responseUrl: form.get('response_url') ?? undefined,
      triggerId,
      requestKey,
    };
    if (!command.userId) return errorResponse(c, 400, 'Slash command without user_id');
    const handling = track(command.command, commands.handle(command));
    const outcome = await withinAckDeadline(handling);
    if (outcome === LATE) {
      // Still deciding (Temporal slow): Slack hears now, the outcome follows through the response_url.
      runLater(command.command, async () => {
        const late = await handling;
        if (late === undefined) return;
        await postToResponseUrl(command.responseUrl, late.ack, logger);
        if (late.work) await late.work();
      });
      return c.json({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it: the outcome follows here.' }, 200);
    }
    if (outcome === undefined)
      return c.json({ response_type: 'ephemeral', text: ':x: Unexpected error (see the Switchyard log). Nothing was started.' }, 200);
    if (outcome.work) runLater(command.command, outcome.work);
    return c.json(outcome.ack, 200);
  };

  for (const path of SLACK_PATHS) app.post(path, handler);

  return {
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

const LATE = Symbol('late');

/** The work's result, or LATE once ACK_DEADLINE_MS has passed (the work goes on). */
async function withinAckDeadline<T>(work: Promise<T>): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ACK_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
