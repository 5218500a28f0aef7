// A key set served over HTTP, as an identity provider's JWKS endpoint, and RS256 tokens signed
// with it in the shape the Temporal server's default claim mapper reads: `sub` and
// `permissions: ["<namespace>:<read|write|worker|admin>"]` (temporal-system for the cluster).
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface TokenIssuer {
  /** The JWKS URL the server's jwtKeyProvider reads. */
  jwksUrl: string;
  token(subject: string, permissions: string[], ttlSeconds?: number): string;
  close(): Promise<void>;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs like an issuer would; `key` may be one the server never saw (a forged token). */
export function signToken(key: KeyObject, kid: string, subject: string, permissions: string[], ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify({ sub: subject, permissions, iat: now, exp: now + ttlSeconds }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${b64url(signature)}`;
}

export function newSigningKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const key = newSigningKey();
  const kid = 'switchyard-test-key';
  const jwk = { ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as Record<string, unknown>;
  // The public half only: a JWKS never carries the private exponent or primes.
  for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) delete jwk[priv];
  const body = JSON.stringify({ keys: [jwk] });
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === '/.well-known/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/.well-known/jwks.json' ? body : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token: (subject, permissions, ttl) => signToken(key, kid, subject, permissions, ttl),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
