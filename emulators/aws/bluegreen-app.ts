// The blue and green "applications" behind an emulated ECS service, as plain HTTP, for the health
// probes a deployment runs before and after the traffic switch:
//   GET /bluegreen/<cluster>/<service>/blue/health   the production task definition (the service's)
//   GET /bluegreen/<cluster>/<service>/green/health  the replacement of the deployment in progress
// Test value: an image containing `unhealthy` answers 500, so a bad build fails its health check
// (an image named by digest is looked up in ECR: its tags count).
import { Hono } from 'hono';
import { TERMINAL_STATUSES } from './codedeploy-model.js';
import type { EcsService } from './ecs-state.js';
import type { AwsEmulatorState } from './emulator-state.js';

export const UNHEALTHY_IMAGE_MARKER = 'unhealthy';

export function createBlueGreenApp(state: AwsEmulatorState, latencyMs: number): Hono {
  const app = new Hono();

  app.get('/:cluster/:service/:color/health', async (c) => {
    const { cluster, service: serviceName, color } = c.req.param();
    if (color !== 'blue' && color !== 'green') return c.json({ error: 'color must be blue or green' }, 404);
    const service = state.ecs.clusters.has(cluster) ? state.ecs.findService(cluster, serviceName) : undefined;
    if (!service) return c.json({ error: `no service ${serviceName} in cluster ${cluster}` }, 404);

    const target = color === 'blue' ? blueTarget(service) : greenTarget(state, service);
    if (!target) return c.json({ color, error: 'no green task set: no deployment is in progress' }, 404);
    // Real tasks take a moment to answer; probes measure this latency (with a little jitter).
    await new Promise((resolve) => setTimeout(resolve, latencyMs + Math.random() * latencyMs * 0.5));
    if (!target.running) return c.json({ color, taskDefinition: target.taskDefinition, error: 'tasks are still starting' }, 503);

    const image = imageOf(state, target.taskDefinition, target.containerName);
    const body = { color, taskDefinition: target.taskDefinition, image };
    if (image.includes(UNHEALTHY_IMAGE_MARKER)) return c.json({ ...body, status: 'UNHEALTHY', error: 'health check failed (test image)' }, 500);
    return c.json({ ...body, status: 'UP' });
  });

  return app;
}

interface ProbeTarget { taskDefinition: string; containerName?: string; running: boolean }

function blueTarget(service: EcsService): ProbeTarget {
  return { taskDefinition: service.taskDefinition, containerName: service.loadBalancers[0]?.containerName, running: true };
}

function greenTarget(state: AwsEmulatorState, service: EcsService): ProbeTarget | undefined {
  const deployment = [...state.codedeploy.deployments.values()]
    .find((d) => d.service === service && d.greenTaskSet && !TERMINAL_STATUSES.has(d.status));
  if (!deployment?.greenTaskSet) return undefined;
  return {
    taskDefinition: deployment.greenTaskDefinition,
    containerName: deployment.appSpec.containerName,
    running: deployment.greenTaskSet.runningCount > 0 || deployment.greenTaskSet.computedDesiredCount === 0,
  };
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
