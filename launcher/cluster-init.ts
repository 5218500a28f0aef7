// `npm run cluster:init`: prepare the Temporal cluster at TEMPORAL_ADDRESS on purpose (namespace
// and search attributes), as the API and the worker also do at start. Exit 0 when the cluster is
// ready, 1 with the commands to run when this client may not change it.
import { Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../common/config/config.js';
import { connectionOptions } from '../common/temporal/connection.js';
import { ClusterNotPreparedError, prepareTemporalCluster } from '../common/temporal/cluster.js';

const config = loadConfigOrExit();
const address = config.temporal.address ?? 'localhost:7233';
let connection: Connection;
try {
  connection = await Connection.connect(connectionOptions(address, config.temporal.credentials));
} catch (error) {
  // A refused handshake (no or wrong certificate, no API key) is the usual cause: say so, no stack.
  console.error(`Connecting to Temporal at ${address} failed: ${(error as Error).message}`);
  process.exit(1);
}
try {
  const prepared = await prepareTemporalCluster(connection, { namespace: config.temporal.namespace });
  console.log(
    `Temporal at ${address}, namespace ${config.temporal.namespace}: ready` +
      (prepared.namespaceCreated ? ' (namespace created)' : '') +
      (prepared.registered.length > 0 ? ` (registered ${prepared.registered.join(', ')})` : ' (nothing to register)'),
  );
} catch (error) {
  console.error(
    error instanceof ClusterNotPreparedError ? error.message : `Preparing Temporal at ${address} failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
} finally {
  await connection.close();
}
