// The split sandbox: startSandbox()'s emulators and seeded demo service in a process of their own,
// plus extra services, fixed ports and the CodeDeploy hook pointed at API processes elsewhere.
import { blueGreenUrls, seed } from '../aws/index.js';
import { connectSandboxHook, SANDBOX_HOOK_FUNCTION, SANDBOX_SERVICE, startSandbox, type Sandbox } from '../sandbox.js';
import { sandboxEnvironment, type SandboxEnvironment, type SeededService, type SplitSandboxUrls } from './environment.js';
import { startHookBalancer, type HookBalancer } from './hook-balancer.js';
import type { SplitSandboxOptions } from './options.js';
import { forwardPort, type PortForward } from './port-forward.js';

export interface SplitSandbox {
  sandbox: Sandbox;
  urls: SplitSandboxUrls;
  main: SeededService;
  extras: SeededService[];
  /** Where the hook Lambda forwards: the --hook-url, or the balancer in front of several. */
  hookTarget: string | undefined;
  balancer: HookBalancer | undefined;
  env: SandboxEnvironment;
  close(): Promise<void>;
}

export async function startSplitSandbox(options: Omit<SplitSandboxOptions, 'envFile' | 'help'>): Promise<SplitSandbox> {
  // With a hook URL, deployments name the hook function (DEPLOY_HOOK_FUNCTION) and the sandbox installs it.
  const sandbox = await startSandbox({
    serviceName: options.serviceName,
    ...(options.stepMs ? { stepMs: options.stepMs } : {}),
    ...(options.githubRateLimit ? { githubRateLimit: { limit: options.githubRateLimit } } : {}),
    ...(options.hookUrls.length > 0 ? { hookFunction: SANDBOX_HOOK_FUNCTION } : {}),
  });
  const closers: (() => Promise<void>)[] = [() => sandbox.close()];
  const close = async () => {
    // Forwarders and the balancer first, then the emulators.
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const urls: SplitSandboxUrls = {
      github: sandbox.githubApiUrl,
      aws: sandbox.awsEndpoint,
      channels: sandbox.channels.url,
      slack: sandbox.slack.url,
    };
    if (options.portBase !== undefined) {
      const base = options.portBase;
      const forward = async (offset: number, target: string): Promise<PortForward> => {
        const forwarder = await forwardPort({ port: base + offset, targetPort: Number(new URL(target).port) });
        closers.push(forwarder.close);
        return forwarder;
      };
      urls.github = (await forward(0, urls.github)).url;
      urls.aws = (await forward(1, urls.aws)).url;
      urls.channels = (await forward(2, urls.channels)).url;
      urls.slack = (await forward(3, urls.slack)).url;
      // response_url and auth.test's url are built from it.
      sandbox.slack.state.baseUrl = urls.slack;
    }

    const main = seededService(urls.aws, options.serviceName, SANDBOX_SERVICE.application, SANDBOX_SERVICE.deploymentGroup);
    const extras = seedExtraServices(sandbox, urls.aws, options.serviceName, options.extraServices);

    let balancer: HookBalancer | undefined;
    let hookTarget: string | undefined;
    if (options.hookUrls.length > 1) {
      balancer = await startHookBalancer(options.hookUrls);
      closers.push(balancer.close);
      hookTarget = balancer.url;
    } else {
      hookTarget = options.hookUrls[0];
    }
    // The real forwarding Lambda handler, as in `npm start`; without a URL the hook is not installed
    // and CodeDeploy's AfterAllowTestTraffic passes on its own.
    // Its log lines go to stderr, as a Lambda's go to CloudWatch: why a hook failed shows there.
    if (hookTarget)
      connectSandboxHook(sandbox, hookTarget, options.hookSecret, (message, fields = {}) =>
        console.error(JSON.stringify({ lambda: SANDBOX_HOOK_FUNCTION, message, ...fields })),
      );

    const env = sandboxEnvironment({ sandbox, urls, main, extras, hookSecret: options.hookSecret, pollMs: options.pollMs });
    return { sandbox, urls, main, extras, hookTarget, balancer, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function seededService(awsUrl: string, service: string, codeDeployApplication: string, codeDeployGroup: string): SeededService {
  return {
    cluster: SANDBOX_SERVICE.cluster,
    service,
    codeDeployApplication,
    codeDeployGroup,
    ...blueGreenUrls(awsUrl, SANDBOX_SERVICE.cluster, service),
  };
}

/**
 * Services `<name>-1..N` in the sandbox's cluster, each seeded like the main one (its own initial
 * task definition family, CodeDeploy application `panda-app-i` and blue/green group `panda-dg-i`).
 * The ECR repository a deployment pushes to is the app repository's, shared by all of them; the
 * repository seed() creates per service only holds the image each service starts on.
 */
function seedExtraServices(sandbox: Sandbox, awsUrl: string, name: string, count: number): SeededService[] {
  const services: SeededService[] = [];
  for (let i = 1; i <= count; i += 1) {
    const service = seededService(awsUrl, `${name}-${i}`, `${SANDBOX_SERVICE.application}-${i}`, `${SANDBOX_SERVICE.deploymentGroup}-${i}`);
    seed(sandbox.aws.state, {
      cluster: service.cluster,
      service: service.service,
      containerName: SANDBOX_SERVICE.containerName,
      containerPort: SANDBOX_SERVICE.containerPort,
      application: service.codeDeployApplication,
      deploymentGroup: service.codeDeployGroup,
      repository: `${service.service}-initial`,
    });
    services.push(service);
  }
  return services;
}
