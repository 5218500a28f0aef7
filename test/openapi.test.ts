// /api-docs is a valid OpenAPI 3.1 document that describes the routes the app serves.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

describe('OpenAPI document', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    temporal = await connectClient();
  });
  afterAll(async () => temporal?.close());

  it('validates as OpenAPI 3.1 and lists the public and protected routes', async () => {
    const app = buildTestApp(temporal.client, uniqueTaskQueue('openapi'));
    const res = await app.request('/api-docs');
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/livez',
        '/readyz',
        '/api/v1/system/worker-probe',
        '/api/v1/deploy',
        '/api/v1/deploy/{id}/events',
        '/api/v1/deploy/{id}/switch',
        '/api/v1/deploy/{id}/result',
        '/api/distribution/distribute',
        '/api/distribution/{eventId}/status',
        '/api/distribution/{eventId}/retry',
        '/ws',
      ]),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
