// Prepares whatever Temporal cluster Switchyard is pointed at: the namespace exists and carries
// the project's search attributes. `temporal server start-dev` is told them on its command line;
// a real cluster (PostgreSQL, Cassandra, Elasticsearch visibility) starts with none, and without
// them the first deploy would fail deep inside a start call. The API and the worker run this at
// start, and `npm run cluster:init` runs it on purpose.
import { Connection, isGrpcServiceError, type ConnectionOptions } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
// CommonJS: the namespace object is the default export under Node's ESM loader.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../search-attributes.js';

const { temporal } = proto;
const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

/** The gRPC status codes this module tells apart (google.rpc.Code). */
const grpcStatus = { NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAUTHENTICATED: 16 } as const;

/** The operator service's value type of each search attribute type Switchyard uses. */
export const INDEXED_VALUE_TYPES: Partial<Record<SearchAttributeType, IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

const CLI_TYPES: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
};

export interface ClusterPreparationOptions {
  namespace: string;
  /** Create the namespace when it is missing (retention in days). */
  namespaceRetentionDays?: number;
  /** How long to wait for newly registered attributes to become visible. */
  settleTimeoutMs?: number;
}

export interface ClusterPreparation {
  namespaceCreated: boolean;
  /** Search attributes this call registered (empty when all were there). */
  registered: string[];
}

/** The cluster lacks something Switchyard needs and refused to let Switchyard add it. */
export class ClusterNotPreparedError extends Error {
  constructor(
    message: string,
    readonly missing: string[],
    readonly commands: string[],
  ) {
    super(
      [
        message,
        ...(commands.length > 0 ? ['Run, with a key allowed to (or ask the cluster operator):', ...commands.map((c) => `  ${c}`)] : []),
      ].join('\n'),
    );
    this.name = 'ClusterNotPreparedError';
  }
}

function grpcCode(error: unknown): number | undefined {
  return isGrpcServiceError(error) ? error.code : undefined;
}

function createCommand(namespace: string, name: string, type: SearchAttributeType): string {
  return `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${CLI_TYPES[type]}`;
}

/** Names and types of the project's search attributes that the namespace does not have yet. */
async function missingSearchAttributes(connection: Connection, namespace: string) {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...listed.systemAttributes, ...listed.customAttributes };
  const missing = SEARCH_ATTRIBUTES.filter((key) => known[key.name] === undefined);
  const wrongType = SEARCH_ATTRIBUTES.filter((key) => known[key.name] !== undefined && known[key.name] !== INDEXED_VALUE_TYPES[key.type]);
  return { missing, wrongType };
}

async function ensureNamespace(connection: Connection, options: ClusterPreparationOptions): Promise<boolean> {
  const { namespace } = options;
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (grpcCode(error) !== grpcStatus.NOT_FOUND) throw error;
  }
  const retentionDays = options.namespaceRetentionDays ?? 7;
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retentionDays * 24 * 3600 * 1000),
      description: 'Switchyard deployments and distributions',
    });
  } catch (error) {
    const code = grpcCode(error);
    if (code === grpcStatus.ALREADY_EXISTS) return false; // another replica made it meanwhile
    if (code === grpcStatus.PERMISSION_DENIED || code === grpcStatus.UNIMPLEMENTED) {
      throw new ClusterNotPreparedError(
        `Temporal namespace "${namespace}" does not exist and this client may not create it.`,
        [],
        [`temporal operator namespace create --namespace ${namespace} --retention ${retentionDays}d`],
      );
    }
    throw error;
  }
  // A new namespace takes a moment to reach every frontend's cache, the operator service's included.
  await waitFor(
    async () => {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        await connection.operatorService.listSearchAttributes({ namespace });
        return true;
      } catch {
        return false;
      }
    },
    options.settleTimeoutMs ?? 30_000,
    `namespace ${namespace} to become available`,
  );
  return true;
}

export async function prepareTemporalCluster(connection: Connection, options: ClusterPreparationOptions): Promise<ClusterPreparation> {
  const { namespace } = options;
  const namespaceCreated = await ensureNamespace(connection, options);
  const { missing, wrongType } = await missingSearchAttributes(connection, namespace);
  if (wrongType.length > 0) {
    throw new ClusterNotPreparedError(
      `Search attributes ${wrongType.map((k) => k.name).join(', ')} exist in namespace "${namespace}" with another type than Switchyard's (${wrongType.map((k) => `${k.name}=${CLI_TYPES[k.type]}`).join(', ')}). Remove or rename them first.`,
      wrongType.map((k) => k.name),
      [],
    );
  }
  if (missing.length === 0) return { namespaceCreated, registered: [] };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]!])),
    });
  } catch (error) {
    const code = grpcCode(error);
    // Another replica registered them at the same moment: re-read below decides.
    if (code !== grpcStatus.ALREADY_EXISTS) {
      if (code === grpcStatus.PERMISSION_DENIED || code === grpcStatus.UNIMPLEMENTED || code === grpcStatus.UNAUTHENTICATED) {
        throw new ClusterNotPreparedError(
          `Temporal namespace "${namespace}" lacks Switchyard's search attributes ${missing.map((k) => k.name).join(', ')}, and this client may not register them.`,
          missing.map((k) => k.name),
          missing.map((k) => createCommand(namespace, k.name, k.type)),
        );
      }
      throw error;
    }
  }
  await waitFor(
    async () => (await missingSearchAttributes(connection, namespace)).missing.length === 0,
    options.settleTimeoutMs ?? 30_000,
    `search attributes ${missing.map((k) => k.name).join(', ')} to become visible`,
  );
  return { namespaceCreated, registered: missing.map((k) => k.name) };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface PreparationLogger {
  info(fields: object, message: string): void;
}

/** For the API's start: prepare through its client connection, closing it when the cluster refuses. */
export async function prepareClusterOrClose(connection: Connection, namespace: string, logger: PreparationLogger): Promise<void> {
  try {
    const prepared = await prepareTemporalCluster(connection, { namespace });
    if (prepared.namespaceCreated || prepared.registered.length > 0) logger.info(prepared, 'prepared the Temporal cluster');
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** For the worker's start (its own connection is a native one): prepare through a short-lived client connection. */
export async function prepareClusterAt(options: ConnectionOptions, namespace: string, logger: PreparationLogger): Promise<void> {
  const connection = await Connection.connect(options);
  await prepareClusterOrClose(connection, namespace, logger);
  await connection.close();
}
