// The suite's client of the API process, over HTTP with the admin key, as an operator's script
// would be. Calls throw when the API cannot be reached (it may be down on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiClient {
  url: string;
  headers: Record<string, string>;
  healthy(): Promise<boolean>;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  connect(
    owner: string,
    repo: string,
    credentials: { githubToken: string; region: string; awsAccessKeyId: string; awsSecretAccessKey: string },
  ): Promise<{ githubConnectionId: string; awsConnectionId: string }>;
  /** The deployment's result, or undefined while the API (or a worker to answer) is unavailable. */
  result(id: string): Promise<Json | undefined>;
  switch(id: string): Promise<{ status: number; body: Json }>;
}

export function apiClient(url: string, apiKey: string): ApiClient {
  const headers = { authorization: `Bearer ${apiKey}` };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: kept as text for the report */
    }
    return { status: res.status, body: parsed };
  };
  return {
    url,
    headers,
    call,
    async healthy() {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (!res) return false;
      const body = (await res.json().catch(() => undefined)) as Json;
      return body?.status === 'UP';
    },
    async connect(owner, repo, credentials) {
      const github = await call('POST', '/api/v1/connect/github', { owner, repo, branch: 'main', token: credentials.githubToken });
      const aws = await call('POST', '/api/v1/connect/aws', {
        region: credentials.region,
        accessKeyId: credentials.awsAccessKeyId,
        secretAccessKey: credentials.awsSecretAccessKey,
      });
      if (github.status !== 200 || aws.status !== 200) throw new Error(`connect failed: ${JSON.stringify([github.body, aws.body])}`);
      return {
        githubConnectionId: github.body.data.githubConnectionId as string,
        awsConnectionId: aws.body.data.awsConnectionId as string,
      };
    },
    async result(id) {
      const res = await call('GET', `/api/v1/deploy/${id}/result`).catch(() => undefined);
      return res?.status === 200 ? res.body.data : undefined;
    },
    switch: (id) => call('POST', `/api/v1/deploy/${id}/switch`),
  };
}
