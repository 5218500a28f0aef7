// `npm run keys:rotate`: re-seal every stored connection (the JSON file in the data folder, or
// PostgreSQL with DATABASE_URL) under the current encryption key (SWITCHYARD_ENCRYPTION_KEYS'
// first) and the current binding. Safe to re-run: what is current already is left alone, so a
// second run re-seals 0. Exit 0 when everything now opens under the current key, 1 when a
// connection did not open (named, with why; it is left as it was), 2 on a configuration error.
import { loadConfigOrExit } from '../common/config/config.js';
import { openConnectionStore } from '../common/connections/open-connection-store.js';
import { encryptionKeyId } from '../common/secrets/encryption-keys.js';
import { loadEncryptionKeys } from '../common/secrets/secret-box.js';

const config = loadConfigOrExit();
const current = encryptionKeyId(loadEncryptionKeys(config.dataDir, config.encryptionKeys)[0]!);
const where = config.databaseUrl ? 'PostgreSQL' : `${config.dataDir} (file store)`;
const store = openConnectionStore(config);
try {
  await store.ready();
  const report = await store.reseal();
  const failed = report.failed.length;
  console.log(
    `keys:rotate ${where}: re-sealed ${report.resealed} of ${report.total} connections under key ${current}` +
      ` (${report.total - report.resealed - failed} already current${failed > 0 ? `, ${failed} failed` : ''})`,
  );
  for (const failure of report.failed) console.error(`  ${failure.id}: ${failure.error}`);
  if (failed > 0) process.exitCode = 1;
} catch (error) {
  console.error(`keys:rotate ${where} failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await store.close();
}
