// Opens the connection store this configuration names: PostgreSQL or the JSON file.
import type { Config } from '../config/config.js';
import { loadEncryptionKeys, SecretBox } from '../secrets/secret-box.js';
import type { ConnectionStore } from './connection-store.js';
import { FileConnectionStore } from './file-connection-store.js';
import { PostgresConnectionStore } from './postgres-connection-store.js';

export { CONNECTIONS_FILE, FileConnectionStore } from './file-connection-store.js';
export { PostgresConnectionStore } from './postgres-connection-store.js';

export type ConnectionStoreOptions = Pick<Config, 'dataDir'> & Partial<Pick<Config, 'encryptionKeys' | 'databaseUrl'>>;

/**
 * PostgreSQL when DATABASE_URL is set (it needs SWITCHYARD_ENCRYPTION_KEY(S): every replica must
 * share the keys), otherwise the JSON file in the data folder with the configured or generated key.
 */
export function openConnectionStore(options: ConnectionStoreOptions): ConnectionStore {
  if (options.databaseUrl) {
    if (!options.encryptionKeys?.length) throw new Error('DATABASE_URL needs SWITCHYARD_ENCRYPTION_KEY(S), the keys every replica shares');
    return new PostgresConnectionStore(options.databaseUrl, new SecretBox(loadEncryptionKeys(options.dataDir, options.encryptionKeys)));
  }
  return new FileConnectionStore(options.dataDir, new SecretBox(loadEncryptionKeys(options.dataDir, options.encryptionKeys)));
}
