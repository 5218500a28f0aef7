// With no SWITCHYARD_API_KEY, `npm start` creates an admin key once, keeps it in the data folder
// (mode 0600) and prints it; later starts reuse it, so scripts and bookmarks keep working.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_KEY_FILE = 'admin-api-key';

export interface StoredAdminKey {
  key: string;
  path: string;
  created: boolean;
}

export function loadOrCreateAdminKey(dataDir: string): StoredAdminKey {
  const path = join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (key.length >= 16) return { key, path, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = `sy_${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return { key, path, created: true };
}
