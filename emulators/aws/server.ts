// Starts the AWS emulator on one port:
//   POST /  with X-Amz-Target  ECR, ECS, CodeDeploy (awsJson1_1), by target prefix
//   POST /  form Action=…      STS (awsQuery)
//   GET  /bluegreen/<cluster>/<service>/<blue|green>/health   the service's blue and green apps
//   GET  /_emulator/aws/state  a JSON summary for people
// Point the real AWS SDK v3 clients at `url` with an accepted access key; nothing else differs.
import { Hono } from 'hono';
import { createBlueGreenApp } from './bluegreen-app.js';
import { codeDeployService } from './codedeploy-handler.js';
import { ecrService } from './ecr-handler.js';
import { ecsService } from './ecs-handler.js';
import { AwsEmulatorState } from './emulator-state.js';
import type { AwsEmulatorStateOptions } from './emulator-state.js';
import { handleJsonRequest } from './json-protocol.js';
import type { JsonService } from './json-protocol.js';
import { handleStsRequest } from './sts-handler.js';
import { awsFaultAnswers } from './fault-answers.js';
import { withFaults } from '../fault-handler.js';
import type { FaultInjector } from '../faults.js';
import { listen } from '../listen.js';

export { blueGreenUrls } from './bluegreen-app.js';

export interface AwsEmulatorOptions extends AwsEmulatorStateOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  hostname?: string;
  /** Base latency of the blue/green health endpoints (default 20 ms). */
  probeLatencyMs?: number;
  /** Injected throttling, 5xx and timeouts on the service APIs (fault suite). */
  faults?: FaultInjector;
}

export interface RunningAwsEmulator {
  /** Base URL, e.g. http://127.0.0.1:43125 — the `endpoint` of every AWS client. */
  url: string;
  state: AwsEmulatorState;
  close(): Promise<void>;
}

export function createAwsEmulatorApp(state: AwsEmulatorState, probeLatencyMs = 20): Hono {
  const services: JsonService[] = [ecrService(state.ecr), ecsService(state.ecs), codeDeployService(state.codedeploy)];
  const byPrefix = new Map(services.map((s) => [s.targetPrefix, s]));

  const app = new Hono();
  app.route('/bluegreen', createBlueGreenApp(state, probeLatencyMs));
  app.get('/_emulator/aws/state', (c) => c.json(state.summary()));

  app.post('/', async (c) => {
    const target = c.req.header('x-amz-target');
    if (target) {
      const dot = target.lastIndexOf('.');
      const service = byPrefix.get(target.slice(0, dot));
      if (!service) {
        return c.json({ __type: 'UnknownOperationException', message: `No emulated service for target ${target}` }, 400, {
          'x-amzn-errortype': 'UnknownOperationException',
        });
      }
      return handleJsonRequest(c, state, service, target.slice(dot + 1));
    }
    const form = new URLSearchParams(await c.req.text());
    return handleStsRequest(state, form, c.req.header('authorization'), c.req.header('x-amz-security-token'));
  });

  return app;
}

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<RunningAwsEmulator> {
  const state = new AwsEmulatorState(options);
  const app = createAwsEmulatorApp(state, options.probeLatencyMs);
  const listening = await listen(withFaults(app.fetch, 'aws', options.faults, awsFaultAnswers), options);
  return {
    url: listening.url,
    state,
    close: () => {
      state.dispose();
      return listening.close();
    },
  };
}
