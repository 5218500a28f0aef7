// Between CodeDeploy's hook Lambda and the API: passes each hook call through and records what the
// API answered, per CodeDeploy deployment, so a lost run can say why its hook failed. An API that
// cannot be reached stays unreachable to the Lambda (the connection is dropped, not answered).
import { createServer } from 'node:http';

export interface HookAnswer {
  codeDeployDeploymentId: string;
  /** The API's HTTP status, or 0 when it could not be reached. */
  status: number;
  body: string;
}

export interface HookRecorder {
  url: string;
  answers: HookAnswer[];
  close(): Promise<void>;
}

export async function startHookRecorder(targetUrl: string): Promise<HookRecorder> {
  const answers: HookAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let codeDeployDeploymentId = '?';
      try {
        codeDeployDeploymentId = String((JSON.parse(body.toString()) as { DeploymentId?: string }).DeploymentId);
      } catch {
        /* recorded as ? */
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => ['content-type', 'x-switchyard-hook-secret'].includes(k))
          .map(([k, v]) => [k, String(v)]),
      );
      fetch(targetUrl, { method: req.method, headers, body })
        .then(async (answer) => {
          const text = await answer.text();
          answers.push({ codeDeployDeploymentId, status: answer.status, body: text.slice(0, 300) });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
        })
        .catch(() => {
          answers.push({ codeDeployDeploymentId, status: 0, body: 'unreachable' });
          res.destroy();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v1/hooks/codedeploy`,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
