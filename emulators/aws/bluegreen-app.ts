// The blue and green "applications" behind an emulated ECS service, as plain HTTP, for the health
// probes a deployment runs before and after the traffic switch:
//   GET /bluegreen/<cluster>/<service>/blue/health   the production task definition (the service's)
//   GET /bluegreen/<cluster>/<service>/green/health  the replacement of the deployment in progress
// Test values: an image containing `unhealthy` answers 500, so a bad build fails its health check;
// an image containing `degrade-at-<N>` answers 200 until green carries N % or more of production
// traffic, then 500, so a canary or linear release degrades at a chosen step (an image named by
// digest is looked up in ECR: its tags count). Both bodies carry `trafficWeight`.
import { Hono } from 'hono';
import { blueTarget, greenTarget } from './bluegreen-targets.js';
import type { AwsEmulatorState } from './emulator-state.js';

export const UNHEALTHY_IMAGE_MARKER = 'unhealthy';
/** `degrade-at-50`: healthy below 50 % of production traffic, failing from 50 % on. */
const DEGRADE_AT = /degrade-at-(\d{1,3})(?!\d)/;

/** Whether a green image's test value makes it fail at `trafficWeight` % of production traffic. */
export function degradedAt(image: string, trafficWeight: number): boolean {
  const match = DEGRADE_AT.exec(image);
  return match !== null && trafficWeight >= Number(match[1]);
}

export function createBlueGreenApp(state: AwsEmulatorState, latencyMs: number): Hono {
  const app = new Hono();

  app.get('/:cluster/:service/:color/health', async (c) => {
    const { cluster, service: serviceName, color } = c.req.param();
    if (color !== 'blue' && color !== 'green') return c.json({ error: 'color must be blue or green' }, 404);
    const service = state.ecs.clusters.has(cluster) ? state.ecs.findService(cluster, serviceName) : undefined;
    if (!service) return c.json({ error: `no service ${serviceName} in cluster ${cluster}` }, 404);

    const target = color === 'blue' ? blueTarget(state, service) : greenTarget(state, service);
    if (!target) return c.json({ color, error: 'no green task set: no deployment is in progress' }, 404);
    // Real tasks take a moment to answer; probes measure this latency (with a little jitter).
    await new Promise((resolve) => setTimeout(resolve, latencyMs + Math.random() * latencyMs * 0.5));
    if (!target.running) return c.json({ color, taskDefinition: target.taskDefinition, error: 'tasks are still starting' }, 503);

    const image = imageOf(state, target.taskDefinition, target.containerName);
    const body = { color, taskDefinition: target.taskDefinition, image, trafficWeight: target.trafficWeight };
    if (image.includes(UNHEALTHY_IMAGE_MARKER))
      return c.json({ ...body, status: 'UNHEALTHY', error: 'health check failed (test image)' }, 500);
    if (color === 'green' && degradedAt(image, target.trafficWeight)) {
      return c.json(
        { ...body, status: 'UNHEALTHY', error: `health check failed at ${target.trafficWeight} % of production traffic (test image)` },
        500,
      );
    }
    return c.json({ ...body, status: 'UP' });
  });

  return app;
}

function imageOf(state: AwsEmulatorState, taskDefinitionArn: string, containerName: string | undefined): string {
  const containers = state.ecs.findTaskDefinition(taskDefinitionArn)?.containerDefinitions ?? [];
  const container = containers.find((c) => c.name === containerName) ?? containers[0];
  const image = container?.image ?? '';
  // `repository@sha256:…`: what the tasks run is that image, with whatever tags ECR gives it.
  const [uri, digest] = image.split('@');
  const repository = digest ? [...state.ecr.repositories.values()].find((r) => r.uri === uri) : undefined;
  const tags = repository?.images.get(digest!)?.tags;
  return tags ? `${image} ${[...tags].join(' ')}` : image;
}

/** Base URLs of a service's blue and green apps; append `/health` to probe. */
export function blueGreenUrls(emulatorUrl: string, cluster: string, service: string): { blueUrl: string; greenUrl: string } {
  const base = `${emulatorUrl.replace(/\/$/, '')}/bluegreen/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}`;
  return { blueUrl: `${base}/blue`, greenUrl: `${base}/green` };
}
