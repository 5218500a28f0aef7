// What sits between the hook Lambda and several API replicas in a real account: a load balancer.
// Requests go round-robin to the targets; a target that cannot be reached (refused, reset, DNS) is
// skipped for the next one, as a balancer's health checks would; an answer, whatever its status,
// is passed back as is. Every target is a full URL (…/api/v1/hooks/codedeploy); the path the
// balancer was called on is ignored.
import { listen } from '../listen.js';

export interface HookBalancer {
  url: string;
  /** How many requests each target answered, in the order given. */
  answered(): number[];
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ['content-type', 'x-switchyard-hook-secret', 'user-agent'];

export async function startHookBalancer(targets: string[]): Promise<HookBalancer> {
  if (targets.length === 0) throw new Error('a hook balancer needs at least one target');
  const answered = targets.map(() => 0);
  let next = 0;

  const handle = async (request: Request): Promise<Response> => {
    const body = await request.arrayBuffer();
    const headers = new Headers();
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const first = next;
    next = (next + 1) % targets.length;
    const failures: string[] = [];
    for (let i = 0; i < targets.length; i += 1) {
      const index = (first + i) % targets.length;
      const target = targets[index]!;
      try {
        const response = await fetch(target, { method: request.method, headers, body, signal: request.signal });
        answered[index]! += 1;
        const contentType = response.headers.get('content-type');
        return new Response(await response.arrayBuffer(), {
          status: response.status,
          headers: contentType ? { 'content-type': contentType } : {},
        });
      } catch (error) {
        if (request.signal.aborted) throw error;
        failures.push(
          `${target}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
        );
      }
    }
    return Response.json({ error: 'Bad Gateway', message: `no hook target could be reached: ${failures.join('; ')}` }, { status: 502 });
  };

  const listening = await listen(handle);
  return { url: `${listening.url}/hook`, answered: () => [...answered], close: listening.close };
}
