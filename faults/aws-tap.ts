// A pass-through in front of the AWS emulator for the worker only, reporting each call's action
// (X-Amz-Target, e.g. AmazonEC2ContainerRegistry_V20150921.DescribeImages) as it arrives and once
// its answer has been sent. Stage 2 (ECR) is two quick calls between a build that takes seconds
// and a task definition: no emulator counter moves during it and no status poll is fast enough,
// so the kill for stage 2 is triggered here, at the moment the worker is in the middle of it.
// Bytes pass untouched (headers included, so SigV4 signatures over Host still verify).
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';

export type TapPhase = 'request' | 'response';
export type TapListener = (action: string, phase: TapPhase) => void;

export interface AwsTap {
  url: string;
  /** Calls `listener` for every call from now on; returns the function that stops it. */
  on(listener: TapListener): () => void;
  close(): Promise<void>;
}

export async function startAwsTap(targetUrl: string): Promise<AwsTap> {
  const target = new URL(targetUrl);
  const listeners = new Set<TapListener>();
  const emit = (action: string, phase: TapPhase) => {
    for (const l of [...listeners]) l(action, phase);
  };
  const actionOf = (req: IncomingMessage) => String(req.headers['x-amz-target'] ?? `${req.method} ${req.url?.split('?')[0] ?? ''}`);

  const server = createServer((req, res) => {
    const action = actionOf(req);
    emit(action, 'request');
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => emit(action, 'response'));
      },
    );
    // The worker gone (killed) or the emulator gone: drop both sides, as a network would.
    upstream.once('error', () => res.destroy());
    req.once('error', () => upstream.destroy());
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
