// What the API answers when Temporal turns a call away: a 503 saying nothing was changed, never a
// 500. The errors are built as grpc-js builds them (a ServiceError: code, details, metadata).
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { clusterProblem } from '../../../api/errors.js';

function serviceError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

describe('clusterProblem', () => {
  it('answers a rate limit or an in-flight update limit (RESOURCE_EXHAUSTED) with 503, nothing changed', () => {
    const answer = clusterProblem(serviceError(8, 'limit on number of concurrent in-flight updates has been reached (10)'));
    expect(answer?.status).toBe(503);
    expect(answer?.message).toMatch(/busy.*nothing was changed/);
  });

  it('answers UNAVAILABLE and DEADLINE_EXCEEDED, also as a cause, with 503', () => {
    expect(clusterProblem(serviceError(14, 'connection refused'))?.status).toBe(503);
    expect(clusterProblem(Object.assign(new Error('wrapped'), { cause: serviceError(4, 'deadline') }))?.status).toBe(503);
  });

  it('leaves other errors to the 500 handler', () => {
    expect(clusterProblem(new Error('a bug'))).toBeUndefined();
    expect(clusterProblem(serviceError(3, 'invalid argument'))).toBeUndefined();
  });
});
