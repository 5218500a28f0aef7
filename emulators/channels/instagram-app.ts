// HTTP face of the emulated Instagram Graph API (content publishing subset), mounted under
// /instagram. It answers with Graph's error shape so the adapter's error handling is exercised as
// it would be against graph.facebook.com.
// Extension (not in real Graph): a container answers the field `media_id` once published, so a
// retried publish can report the existing post.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { latencyFrom, publishFault } from './test-values.js';
import type { InstagramEmulatorState, MediaContainer } from './instagram-state.js';

type Params = Record<string, string>;
type Env = { Variables: { params: Params } };

interface GraphErrorSpec {
  message: string;
  code: number;
  subcode?: number;
  type?: string;
  transient?: boolean;
}

const CONTAINER_FIELDS = new Set(['id', 'status_code', 'status', 'media_id']);
const MEDIA_FIELDS = new Set(['id', 'permalink', 'caption', 'media_type', 'media_url', 'timestamp']);

export function createInstagramApp(state: InstagramEmulatorState): Hono<Env> {
  const app = new Hono<Env>();

  // The permalink is public, like instagram.com/p/...: no token.
  const permalinkPage = (c: Context<Env>) => {
    const media = [...state.media.values()].find((m) => m.shortcode === c.req.param('shortcode'));
    return media ? c.json(media) : c.json({ error: 'post not found' }, 404);
  };
  app.get('/p/:shortcode', permalinkPage);
  app.get('/p/:shortcode/', permalinkPage);

  app.use('*', async (c, next) => {
    const params = await readParams(c);
    if (!tokenFrom(c, params) || tokenFrom(c, params) !== state.accessToken) {
      return graphError(c, 401, { message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
    }
    c.set('params', params);
    await next();
  });

  app.post('/:igUserId/media', (c) => {
    const params = c.get('params');
    if (c.req.param('igUserId') !== state.igUserId) return unknownObject(c, c.req.param('igUserId'), 'post');
    const imageUrl = params.image_url;
    if (!imageUrl) return graphError(c, 400, { message: '(#100) The parameter image_url is required', code: 100 });
    if (!URL.canParse(imageUrl)) {
      return graphError(c, 400, {
        message: "Media download has failed. The media URI doesn't meet our requirements.",
        code: 9004,
        subcode: 2207052,
      });
    }
    // Test value in the caption, like #fail: `#processing-1500` keeps the container IN_PROGRESS 1.5 s.
    const processing = /#processing-(\d+)(?![\w-])/.exec(params.caption ?? '')?.[1];
    const latency = processing === undefined ? undefined : latencyFrom(processing);
    const container = state.createContainer(imageUrl, params.caption ?? '', latency);
    return c.json({ id: container.id });
  });

  app.get('/:igUserId/content_publishing_limit', (c) => {
    if (c.req.param('igUserId') !== state.igUserId) return unknownObject(c, c.req.param('igUserId'), 'get');
    const fields = requestedFields(c.get('params'), ['quota_usage']);
    const entry: Record<string, unknown> = {};
    if (fields.includes('quota_usage')) entry.quota_usage = state.quotaUsage();
    if (fields.includes('config')) entry.config = { quota_total: state.quotaTotal, quota_duration: 86_400 };
    return c.json({ data: [entry] });
  });

  app.post('/:igUserId/media_publish', (c) => {
    if (c.req.param('igUserId') !== state.igUserId) return unknownObject(c, c.req.param('igUserId'), 'post');
    const creationId = c.get('params').creation_id;
    if (!creationId) return graphError(c, 400, { message: '(#100) The parameter creation_id is required', code: 100 });
    const container = state.containers.get(creationId);
    if (!container) return unknownObject(c, creationId, 'post');
    container.publishRequests += 1;

    const refusal = publishRefusal(state, container);
    if (refusal) return graphError(c, 400, refusal);
    const fault = publishFault(container.testValues, container.publishRequests, state.faults);
    if (fault === 'reject') {
      return graphError(c, 400, { message: '(#100) Invalid parameter (sandbox test value #reject)', code: 100 });
    }
    if (fault === 'fail') {
      return graphError(c, 500, {
        message: 'An unexpected error has occurred. Please retry your request later. (sandbox test value)',
        code: 2,
        transient: true,
      });
    }
    if (state.quotaUsage() >= state.quotaTotal) {
      return graphError(c, 400, {
        message: 'Application request limit reached: the maximum number of posts per 24 hours has been published',
        code: 9,
        subcode: 2207042,
      });
    }
    return c.json({ id: state.publish(container).id });
  });

  app.get('/:objectId', (c) => {
    const id = c.req.param('objectId');
    const container = state.containers.get(id);
    const media = state.media.get(id);
    if (container) {
      const fields = requestedFields(c.get('params'), ['id']);
      const bad = fields.find((f) => !CONTAINER_FIELDS.has(f) || (f === 'media_id' && !state.mediaIdExtension));
      if (bad) return nonexistingField(c, bad, 'ShadowIGMediaBuilder');
      const status = state.statusOf(container);
      const values: Record<string, unknown> = { id, status_code: status, status: statusText(status), media_id: container.mediaId };
      return c.json(pick(values, fields));
    }
    if (media) {
      const fields = requestedFields(c.get('params'), ['id']);
      const bad = fields.find((f) => !MEDIA_FIELDS.has(f));
      if (bad) return nonexistingField(c, bad, 'IGMedia');
      const origin = new URL(c.req.url).origin;
      const values: Record<string, unknown> = {
        id,
        caption: media.caption,
        media_type: 'IMAGE',
        media_url: media.imageUrl,
        timestamp: media.timestamp,
        permalink: `${origin}/instagram/p/${media.shortcode}/`,
      };
      return c.json(pick(values, fields));
    }
    return unknownObject(c, id, 'get');
  });

  return app;
}

/** Why Graph would refuse to publish this container at all, before any test value applies. */
function publishRefusal(state: InstagramEmulatorState, container: MediaContainer): GraphErrorSpec | undefined {
  const status = state.statusOf(container);
  if (status === 'FINISHED') return undefined;
  if (status === 'IN_PROGRESS') {
    return {
      message: 'Media ID is not available: the media is not ready for publishing, please wait for a moment',
      code: 9007,
      subcode: 2207027,
    };
  }
  return { message: `The media container is ${status} and cannot be published`, code: 9007 };
}

function statusText(status: string): string {
  switch (status) {
    case 'IN_PROGRESS':
      return 'In Progress: Media is still being processed.';
    case 'FINISHED':
      return 'Finished: Media has been uploaded and it is ready to be published.';
    case 'PUBLISHED':
      return 'Published: Media has been published.';
    case 'EXPIRED':
      return 'Expired: The container was not published within 24 hours.';
    default:
      return 'Error: Media upload has failed (sandbox test value #container-error).';
  }
}

async function readParams(c: Context<Env>): Promise<Params> {
  const params: Params = { ...c.req.query() };
  if (c.req.method !== 'POST') return params;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const body: unknown = await c.req.json().catch(() => ({}));
    if (typeof body === 'object' && body !== null) {
      for (const [key, value] of Object.entries(body)) params[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  } else if (type.includes('form')) {
    for (const [key, value] of Object.entries(await c.req.parseBody())) if (typeof value === 'string') params[key] = value;
  }
  return params;
}

// Graph takes the token as a parameter or as an Authorization header (Bearer or OAuth).
function tokenFrom(c: Context<Env>, params: Params): string | undefined {
  const header = c.req.header('authorization')?.match(/^(?:Bearer|OAuth)\s+(.+)$/i)?.[1];
  return params.access_token ?? header;
}

function requestedFields(params: Params, defaults: string[]): string[] {
  const fields = params.fields
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return fields && fields.length > 0 ? fields : defaults;
}

function pick(values: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]));
}

function graphError(c: Context<Env>, status: ContentfulStatusCode, spec: GraphErrorSpec) {
  return c.json(
    {
      error: {
        message: spec.message,
        type: spec.type ?? 'OAuthException',
        code: spec.code,
        ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
        ...(spec.transient === undefined ? {} : { is_transient: spec.transient }),
        fbtrace_id: crypto.randomUUID().replace(/-/g, '').slice(0, 22),
      },
    },
    status,
  );
}

function unknownObject(c: Context<Env>, id: string, verb: 'get' | 'post') {
  return graphError(c, 400, {
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
  });
}

function nonexistingField(c: Context<Env>, field: string, nodeType: string) {
  return graphError(c, 400, { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, code: 100 });
}
