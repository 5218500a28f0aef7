// The Slack emulator as one Hono app: the Web API methods Switchyard calls at POST /api/<method>
// (form-encoded as @slack/web-api sends them, or JSON), and response_url endpoints at
// POST /response/<id>. Slack's wire shapes: HTTP 200 with {ok:false, error} for API errors.
import { Hono, type Context } from 'hono';
import type { SlackApiMethod, SlackEmulatorState } from './state.js';

type Args = Record<string, unknown>;

/** Block Kit fields arrive JSON-encoded inside form bodies. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata'];

async function readArgs(c: Context): Promise<Args> {
  const type = c.req.header('content-type') ?? '';
  const raw = await c.req.text();
  let args: Args;
  if (type.includes('application/json')) {
    try {
      args = raw ? (JSON.parse(raw) as Args) : {};
    } catch {
      return { __invalid: 'invalid_json' };
    }
  } else {
    args = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const field of JSON_FIELDS) {
    if (typeof args[field] === 'string') {
      try {
        args[field] = JSON.parse(args[field] as string);
      } catch {
        return { __invalid: `invalid_${field}` };
      }
    }
  }
  return args;
}

const IMAGE_FETCH_TIMEOUT_MS = 3000;

/** Whether Slack could download this image: http(s) only, answered 2xx within a short timeout. */
async function imageFetchable(url: unknown): Promise<boolean> {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  try {
    const res = await fetch(parsed, { method: 'GET', redirect: 'follow', signal: AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    return res.ok;
  } catch {
    return false;
  }
}

/** Slack's refusal of image blocks it cannot download, one error per block, as Slack words it. */
async function imageProblems(blocks: unknown[] | undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, block] of (blocks ?? []).entries()) {
    const b = block as { type?: unknown; image_url?: unknown };
    if (b?.type !== 'image' || b.image_url === undefined) continue;
    if (!(await imageFetchable(b.image_url))) problems.push(`downloading image failed [json-pointer:/blocks/${index}/image_url]`);
  }
  return problems;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

export function createSlackEmulatorApp(state: SlackEmulatorState): Hono {
  const app = new Hono();

  app.post('/api/:method', async (c) => {
    const method = c.req.param('method');
    const args = await readArgs(c);
    const fail = (error: string, errors?: string[]) => {
      state.calls.push({ method, args, ok: false, error });
      return c.json({
        ok: false,
        error,
        ...(errors ? { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } } : {}),
      });
    };
    /** Slack downloads every image block's image_url and refuses the whole message when one fails. */
    const refuseImages = async () => {
      const problems = await imageProblems(list(args.blocks));
      return problems.length > 0 ? fail('invalid_blocks', problems) : undefined;
    };
    if (typeof args.__invalid === 'string') return fail(args.__invalid);
    // Bearer header (what @slack/web-api sends) or the legacy `token` argument.
    const token = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? str(args.token);
    delete args.token;
    if (!token) return fail('not_authed');
    if (!state.isBotToken(token)) return fail('invalid_auth');

    const content = () => ({ text: str(args.text), blocks: list(args.blocks), attachments: list(args.attachments) });
    const hasContent = () => Boolean(str(args.text) || list(args.blocks)?.length || list(args.attachments)?.length);
    const done = (body: Args) => {
      state.calls.push({ method, args, ok: true });
      return c.json({ ok: true, ...body });
    };

    switch (method as SlackApiMethod) {
      case 'auth.test':
        return done({
          url: `${state.baseUrl}/`,
          team: 'Switchyard Sandbox',
          user: 'switchyard',
          team_id: state.teamId,
          user_id: state.botUserId,
          bot_id: 'B0SWITCHYARD',
        });
      case 'chat.postMessage': {
        const channel = str(args.channel);
        if (!channel) return fail('channel_not_found');
        if (!hasContent()) return fail('no_text');
        const refusedPost = await refuseImages();
        if (refusedPost) return refusedPost;
        const message = state.post(channel, content(), str(args.thread_ts));
        return done({ channel, ts: message.ts, message: messageJson(message) });
      }
      case 'chat.update': {
        const channel = str(args.channel);
        const ts = str(args.ts);
        if (!channel) return fail('channel_not_found');
        if (!ts) return fail('message_not_found');
        const message = state.find(channel, ts);
        if (!message) return fail('message_not_found');
        if (!hasContent()) return fail('no_text');
        const refusedUpdate = await refuseImages();
        if (refusedUpdate) return refusedUpdate;
        state.update(message, content());
        return done({ channel, ts, text: message.text ?? '', message: messageJson(message) });
      }
      case 'chat.postEphemeral': {
        const channel = str(args.channel);
        const user = str(args.user);
        if (!channel) return fail('channel_not_found');
        if (!user) return fail('user_not_in_channel');
        if (!hasContent()) return fail('no_text');
        const refusedEphemeral = await refuseImages();
        if (refusedEphemeral) return refusedEphemeral;
        const ephemeral = state.postEphemeral({ channel, user, text: str(args.text), blocks: list(args.blocks) });
        return done({ message_ts: ephemeral.messageTs });
      }
      case 'usergroups.users.list': {
        // Slack answers no_such_subteam for an id the workspace does not have (or a disabled group).
        const usergroup = str(args.usergroup);
        if (!usergroup) return fail('invalid_arguments');
        const users = state.userGroups.get(usergroup);
        if (!users) return fail('no_such_subteam');
        return done({ users: [...users] });
      }
      default:
        return fail('unknown_method');
    }
  });

  app.post('/response/*', async (c) => {
    const id = c.req.path.slice('/response/'.length);
    let body: Args;
    try {
      body = JSON.parse(await c.req.text()) as Args;
    } catch {
      return c.json({ ok: false, error: 'invalid_payload' }, 400);
    }
    const result = state.deliver(id, body);
    if (!result.ok) return c.json({ ok: false, error: result.error }, 404);
    return c.json({ ok: true });
  });

  app.get('/_emulator/slack/state', (c) =>
    c.json({
      channels: Object.fromEntries(state.channels().map((channel) => [channel, state.messages(channel).map(messageJson)])),
      ephemerals: state.ephemerals(),
    }),
  );

  app.notFound((c) => c.json({ ok: false, error: 'unknown_method' }, 404));
  return app;
}

function messageJson(message: {
  ts: string;
  user: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  edited: boolean;
}) {
  return {
    type: 'message',
    subtype: undefined,
    user: message.user,
    bot_id: 'B0SWITCHYARD',
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.edited ? { edited: { user: message.user, ts: message.ts } } : {}),
  };
}
