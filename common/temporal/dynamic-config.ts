// Temporal server settings Switchyard relies on, for every server it runs on: the dev servers
// (`npm start`, the tests, the bench, the fault suite) get them as `--dynamic-config-value`, the
// test cluster in its dynamic config file, production in deploy/temporal/dynamicconfig.yaml
// (test/deploy-artifacts.test.ts keeps that file in step with this one).
export const SWITCHYARD_DYNAMIC_CONFIG = {
  // The API's event feeds query a workflow as soon as a workflow task is scheduled (see
  // historyChanges in api/temporal-reads.ts); Temporal holds such a query until the task
  // completes. It holds only 1 per workflow by default and refuses the next with
  // RESOURCE_EXHAUSTED, which the client retries after a backoff: the feed of a second API replica
  // (or a status read) in the same moment would hear of the change late.
  'history.MaxBufferedQueryCount': 10,
} as const satisfies Record<string, unknown>;

/** `--dynamic-config-value KEY=JSON` arguments for `temporal server start-dev`. */
export function devServerDynamicConfigArgs(): string[] {
  return Object.entries(SWITCHYARD_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}
