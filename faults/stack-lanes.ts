// The stack's seeded services: the sandbox's own, and more in the same cluster (an application
// and group each, as the split sandbox seeds them) so that deployments can run side by side.
import { blueGreenUrls, seed } from '../emulators/aws/index.js';
import { SANDBOX_SERVICE, type Sandbox } from '../emulators/sandbox.js';
import type { Lane } from './stack.js';

/** `count` lanes, the sandbox's own service (`service`) first. */
export function seedLanes(box: Sandbox, service: string, count: number): Lane[] {
  const main: Lane = {
    service,
    codeDeployApplication: box.target.codeDeployApplication,
    codeDeployGroup: box.target.codeDeployGroup,
    blueUrl: box.target.blueUrl,
    greenUrl: box.target.greenUrl,
  };
  const lanes: Lane[] = [main];
  for (let i = 1; i < count; i += 1) {
    // As the split sandbox seeds its extra services: same cluster, an application and group each.
    const lane: Lane = {
      service: `${service}-${i}`,
      codeDeployApplication: `${SANDBOX_SERVICE.application}-${i}`,
      codeDeployGroup: `${SANDBOX_SERVICE.deploymentGroup}-${i}`,
      ...blueGreenUrls(box.awsEndpoint, SANDBOX_SERVICE.cluster, `${service}-${i}`),
    };
    seed(box.aws.state, {
      cluster: SANDBOX_SERVICE.cluster,
      service: lane.service,
      containerName: SANDBOX_SERVICE.containerName,
      containerPort: SANDBOX_SERVICE.containerPort,
      application: lane.codeDeployApplication,
      deploymentGroup: lane.codeDeployGroup,
      repository: `${lane.service}-initial`,
    });
    lanes.push(lane);
  }
  return lanes;
}
