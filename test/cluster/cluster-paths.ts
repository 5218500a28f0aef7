// Where the cluster's binaries and schemas are (built by scripts/setup-temporal-cluster.mjs into
// .tools/, or given by environment), and the databases the server uses.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const toolsDir = join(projectRoot, '.tools', 'temporal-cluster');
export const TEMPORAL_SERVER_BIN = process.env.TEMPORAL_SERVER_BIN ?? join(toolsDir, 'bin', 'temporal-server');
export const TEMPORAL_SQL_TOOL_BIN = process.env.TEMPORAL_SQL_TOOL_BIN ?? join(toolsDir, 'bin', 'temporal-sql-tool');
export const TEMPORAL_PG_SCHEMA_DIR = process.env.TEMPORAL_PG_SCHEMA_DIR ?? join(toolsDir, 'schema', 'postgresql', 'v12');
export const HOW_TO_SETUP =
  'Run `node scripts/setup-temporal-cluster.mjs` (builds the Temporal server from its Go module, ~4 minutes the first time).';

/** The databases the Temporal server itself uses on the shared PostgreSQL. */
export const TEMPORAL_DB = 'temporal';
export const TEMPORAL_VISIBILITY_DB = 'temporal_visibility';
