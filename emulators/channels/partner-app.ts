// HTTP face of one emulated partner channel, speaking the partner protocol documented at the top
// of activities/distribution/channels/partner.ts. Mounted under /partners/{slug}.
import { setTimeout as delay } from 'node:timers/promises';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { PARTNER_RESULTS } from './partner-results.js';
import { latencyFrom, publishFault } from './test-values.js';
import type { PartnerEmulatorState } from './partner-state.js';

const newDraftBody = z.object({
  eventId: z.string().min(1),
  contentUrl: z.url().nullable().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

export function createPartnerApp(state: PartnerEmulatorState): Hono {
  const app = new Hono();

  // Published posts are public pages (Naver Blog links here).
  app.get('/posts/:postId', (c) => {
    const draft = [...state.drafts.values()].find((d) => d.published?.result.postId === c.req.param('postId'));
    return draft?.published
      ? c.json({
          postId: c.req.param('postId'),
          eventId: draft.eventId,
          contentUrl: draft.contentUrl,
          config: draft.config,
          publishedAt: draft.published.at,
        })
      : partnerError(c, 404, 'NOT_FOUND', 'post not found');
  });

  app.use('/v1/*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${state.token}`) {
      return partnerError(c, 401, 'UNAUTHORIZED', 'missing or invalid bearer token');
    }
    await next();
  });

  app.post('/v1/drafts', async (c) => {
    const key = c.req.header('idempotency-key');
    if (!key) return partnerError(c, 400, 'IDEMPOTENCY_KEY_REQUIRED', 'the Idempotency-Key header is required');
    const parsed = newDraftBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return partnerError(c, 400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
    const created = state.createDraft(key, {
      eventId: parsed.data.eventId,
      contentUrl: parsed.data.contentUrl ?? null,
      config: parsed.data.config ?? {},
    });
    if (created.kind === 'key-reused') {
      return partnerError(c, 422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body');
    }
    return c.json({ draftId: created.draft.draftId, status: 'DRAFT' }, created.kind === 'created' ? 201 : 200);
  });

  app.get('/v1/drafts/:draftId', (c) => {
    const draft = state.drafts.get(c.req.param('draftId'));
    if (!draft) return partnerError(c, 404, 'NOT_FOUND', 'draft not found');
    return c.json({
      draftId: draft.draftId,
      status: draft.published ? 'PUBLISHED' : 'DRAFT',
      ...(draft.published ? { result: draft.published.result, publishedAt: draft.published.at } : {}),
    });
  });

  app.post('/v1/drafts/:draftId/publish', async (c) => {
    const draft = state.drafts.get(c.req.param('draftId'));
    if (!draft) return partnerError(c, 404, 'NOT_FOUND', 'draft not found');
    draft.publishRequests += 1;
    const attempt = draft.publishRequests;
    await delay(latencyFrom(draft.config.latencyMs));
    // Checked after the delay: a concurrent publish may have finished while this one waited.
    if (draft.published) return partnerError(c, 409, 'ALREADY_PUBLISHED', 'this draft was already published');
    const fault = publishFault(draft.testValues, attempt, state.faults);
    if (fault === 'reject')
      return partnerError(c, 400, 'VALIDATION_FAILED', 'content rejected by the channel (sandbox test value #reject)');
    if (fault === 'fail') return partnerError(c, 500, 'INTERNAL_ERROR', 'the channel failed to publish (sandbox test value)');

    const now = new Date();
    const publicBaseUrl = c.req.url.slice(0, c.req.url.indexOf('/v1/drafts/'));
    const result = PARTNER_RESULTS[state.channel](draft, { publicBaseUrl, now });
    draft.published = { at: now.toISOString(), result };
    return c.json(result);
  });

  return app;
}

function partnerError(c: Context, status: ContentfulStatusCode, error: string, message: string) {
  return c.json({ error, message, timestamp: new Date().toISOString() }, status);
}
