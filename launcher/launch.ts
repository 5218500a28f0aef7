// `npm start`: everything on one machine. The Temporal dev server (unless TEMPORAL_ADDRESS is
// set), the sandbox emulators (in sandbox mode), the worker and the API, stopped in reverse order
// on Ctrl-C or SIGTERM. What does not depend on the rest starts at once, side by side: the dev
// server (a process of its own) and the emulators here, the workflow bundle on a thread that
// main.ts started before loading this module. Sandbox mode is this launcher's default, asked for
// here on purpose (SWITCHYARD_SANDBOX=false turns it off); nowhere else is it on unless set.
import { join } from 'node:path';
import { loadOrCreateAdminKey } from '../common/keys/admin-key.js';
import { loadConfigOrExit } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { apiServices } from '../api/services.js';
import { apiKeyRingFrom, startApi } from '../api/start.js';
import { connectSandboxHook, SANDBOX_HOOK_FUNCTION, SANDBOX_SLACK, startSandbox, type Sandbox } from '../emulators/sandbox.js';
import { sandboxApi, sandboxWorkerServices } from '../emulators/wiring/services.js';
import { startWorker } from '../worker/start.js';
import { startConfiguredTracing } from '../common/telemetry/tracing.js';
import { workerTelemetry } from '../worker/telemetry.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { printBanner } from './banner.js';
import { startTemporalDevServer } from './temporal-dev-server.js';

const config = loadConfigOrExit({ SWITCHYARD_SANDBOX: 'true', ...process.env });
const logger = createLogger(config.logLevel, 'switchyard');
// API and worker in one process, one service name (OTEL_SERVICE_NAME overrides); off without an OTLP endpoint.
const tracing = startConfiguredTracing(config.tracing, 'switchyard');
// The launcher owns shutdown order (API, then worker, then Temporal), so the Temporal runtime
// must not react to signals by itself.
Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN'), ...workerTelemetry(config.workerMetricsAddress) });

const stoppers: { name: string; stop: () => Promise<void> }[] = [];
// Last to stop: it flushes the spans of everything stopped before it.
if (tracing) stoppers.push({ name: 'tracing', stop: tracing.shutdown });
let stopping = false;

async function shutdown(reason: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'stopping Switchyard');
  for (const { name, stop } of stoppers.reverse()) {
    try {
      await stop();
      logger.info(`${name} stopped`);
    } catch (error) {
      logger.error({ err: error }, `${name} did not stop cleanly`);
    }
  }
  process.exit(exitCode);
}

// A terminal's Ctrl-C can arrive twice (once from the terminal, once relayed by a wrapper):
// repeats while stopping are ignored; a third one forces the exit.
let signalsSeen = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signalsSeen += 1;
    if (signalsSeen >= 3) process.exit(130);
    void shutdown(signal);
  });
}

/** `bundling`: the workflow bundle under way (main.ts), unless WORKFLOW_BUNDLE_PATH names one. */
export async function launch(bundling: Promise<{ code: string }> | undefined): Promise<void> {
  try {
    const stored = config.adminKeyFromEnv ? undefined : loadOrCreateAdminKey(config.dataDir);
    bundling?.catch(() => undefined); // awaited below; a failure is reported there
    const starting = config.temporal.address
      ? undefined
      : startTemporalDevServer({
          dataDir: config.dataDir,
          namespace: config.temporal.namespace,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
        });
    // Deployments name the sandbox's hook function; connectSandboxHook installs it once the API listens.
    // Its state lives in the data folder: a deployment waiting at the gate survives a restart.
    const sandboxStarting = config.sandbox
      ? startSandbox({ hookFunction: SANDBOX_HOOK_FUNCTION, stateDir: join(config.dataDir, 'sandbox') })
      : undefined;
    const [devServer, sandbox] = await Promise.allSettled([starting, sandboxStarting]).then(([d, s]) => {
      // Whichever started is stopped on the way out, also when the other failed.
      if (d.status === 'fulfilled' && d.value) stoppers.push({ name: 'Temporal dev server', stop: d.value.stop });
      if (s.status === 'fulfilled' && s.value) stoppers.push({ name: 'sandbox emulators', stop: s.value.close });
      if (d.status === 'rejected') throw d.reason;
      if (s.status === 'rejected') throw s.reason;
      return [d.value, s.value as Sandbox | undefined] as const;
    });
    const address = devServer?.address ?? config.temporal.address!;
    const temporalUi = devServer?.uiUrl;

    const worker = await startWorker(
      config,
      address,
      logger,
      sandboxWorkerServices(config, sandbox),
      tracing,
      config.temporal.workflowBundlePath ? undefined : bundling && { code: (await bundling).code },
    );
    stoppers.push({ name: 'worker', stop: worker.stop });
    void worker.done.then(() => {
      if (!stopping) void shutdown('worker stopped', 1);
    });

    // In sandbox mode the API gets the sandbox as ordinary configuration plus its base AWS credentials.
    const wired = sandbox ? await sandboxApi(config, sandbox) : { config, services: apiServices(config) };
    const api = await startApi(wired.config, address, apiKeyRingFrom(config, stored?.key), logger, wired.services, tracing);
    // The sandbox's CodeDeploy calls the real forwarding Lambda handler at AfterAllowTestTraffic.
    if (sandbox) connectSandboxHook(sandbox, `${api.url}/api/v1/hooks/codedeploy`, config.slack.hook.secret ?? SANDBOX_SLACK.hookSecret);
    stoppers.push({ name: 'API', stop: api.stop });

    printBanner({ config, apiUrl: api.url, temporalAddress: address, temporalUi, adminKey: stored, sandbox });
  } catch (error) {
    console.error(`Switchyard failed to start: ${(error as Error).message}`);
    await shutdown('start-up failed', 1);
  }
}
