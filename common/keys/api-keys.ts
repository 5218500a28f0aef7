// API keys as configured: each with a stable id and a label that names who holds it, never its
// place in a list (a label is what approval policies' `labels` and the audit trail name, so a
// reordered list must not hand one key's name to another). Two sources:
//
//   SWITCHYARD_API_KEYS=alice:approver:<key>,ci:deployer:<key>   (label:role:key, comma-separated)
//   SWITCHYARD_API_KEYS_FILE=/etc/switchyard/keys.json            (the keys' SHA-256, not the keys)
//     [{"id": "alice-2026", "label": "alice", "role": "approver", "person": "alice",
//       "expiresAt": "2027-01-01T00:00:00Z", "sha256": "<hex of sha256(key)>"}]
//
// Two keys may share a label (rotation without downtime: add the new key, then drop the old),
// with the same role and person. Config holds digests only: a raw key is hashed as it is read.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROLES, type Role } from '../config/fields.js';

export interface ApiKeyEntry {
  /** Stable id of this key (for rotation and logs); from the file, or derived from the key's digest. */
  id: string;
  /** Whose key: what policies' `labels` match and the audit trail records. Shared by a key and its rotation. */
  label: string;
  role: Role;
  /** The person behind it, when known (here or in SWITCHYARD_IDENTITIES). */
  person?: string;
  /** ISO time after which the key is refused (401, saying it expired). */
  expiresAt?: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
}

export const sha256Hex = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A label or a person's name: no ':' (Slack approvers are recorded as `slack:U…`), no spaces. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const NAME_RULE = 'letters, digits and . _ @ - (up to 64, starting with a letter or digit)';
/** Names the system itself records decisions under, and the admin key's. */
const RESERVED_LABELS = new Set(['switchyard', 'temporal', 'SWITCHYARD_API_KEY']);

export const MIN_KEY_LENGTH = 16;

/** A key given in clear (SWITCHYARD_API_KEY, a generated admin key, tests): hashed at once. */
export function keyEntry(label: string, role: Role, key: string): ApiKeyEntry {
  const sha256 = sha256Hex(key);
  return { id: `key-${sha256.slice(0, 12)}`, label, role, sha256 };
}

const OLD_FORMAT =
  'role:key entries are no longer accepted: their label was their position in the list, so reordering it moved ' +
  'approvals and audit names to another key. Write label:role:key (for example alice:approver:<key>), or use SWITCHYARD_API_KEYS_FILE';

/** SWITCHYARD_API_KEYS: `label:role:key,…` (a key may itself hold ':'). Errors name the entry by number, never by its key. */
export const apiKeyList = z.string().transform((raw, ctx) => {
  const entries: ApiKeyEntry[] = [];
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [i, entry] of parts.entries()) {
    const [label = '', role = '', ...rest] = entry.split(':');
    const key = rest.join(':');
    const where = `entry ${i + 1}`;
    if (ROLES.includes(label as Role) && !ROLES.includes(role as Role)) {
      ctx.addIssue({ code: 'custom', message: `${where}: ${OLD_FORMAT}` });
    } else if (!ROLES.includes(role as Role) || rest.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${where}: must be label:role:key with role one of ${ROLES.join('|')}` });
    } else if (!NAME.test(label)) {
      ctx.addIssue({ code: 'custom', message: `${where}: the label must be ${NAME_RULE}` });
    } else if (key.length < MIN_KEY_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `${where} (${label}): the key must be at least ${MIN_KEY_LENGTH} characters` });
    } else {
      entries.push(keyEntry(label, role as Role, key));
    }
  }
  return entries;
});

const fileEntrySchema = z
  .object({
    id: z.string().regex(NAME, `must be ${NAME_RULE}`),
    label: z.string().regex(NAME, `must be ${NAME_RULE}`),
    role: z.enum(ROLES),
    person: z.string().regex(NAME, `must be ${NAME_RULE}`).optional(),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2027-01-01T00:00:00Z' }).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the key\'s SHA-256 in hex (printf %s "$KEY" | sha256sum)')
      .transform((h) => h.toLowerCase()),
  })
  .strict();

/** SWITCHYARD_API_KEYS_FILE: the path of a JSON array of key entries. */
export const apiKeysFile = z.string().transform((path, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${path} as JSON: ${(error as Error).message}` });
    return z.NEVER;
  }
  const parsed = z.array(fileEntrySchema).max(1000).safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: `${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}` });
    return z.NEVER;
  }
  return parsed.data.map((entry): ApiKeyEntry => ({
    id: entry.id,
    label: entry.label,
    role: entry.role,
    sha256: entry.sha256,
    ...(entry.person ? { person: entry.person } : {}),
    ...(entry.expiresAt ? { expiresAt: new Date(entry.expiresAt).toISOString() } : {}),
  }));
});

/**
 * What the key list as a whole must satisfy: one key, one entry; one id, one key; one label, one
 * role and one person (its keys are rotations of each other). The admin key's label is its own.
 */
export function keyListProblems(entries: readonly ApiKeyEntry[]): string[] {
  const problems: string[] = [];
  const bySha = new Map<string, ApiKeyEntry>();
  const byId = new Map<string, ApiKeyEntry>();
  const byLabel = new Map<string, ApiKeyEntry>();
  for (const entry of entries) {
    const sameKey = bySha.get(entry.sha256);
    if (sameKey) problems.push(`the same key is configured twice (labels ${sameKey.label} and ${entry.label}): each key must appear once`);
    else if (byId.has(entry.id)) problems.push(`key id ${entry.id} is used twice: ids must be unique`);
    bySha.set(entry.sha256, entry);
    byId.set(entry.id, entry);
    const sameLabel = byLabel.get(entry.label);
    if (sameLabel && sameLabel.role !== entry.role) {
      problems.push(
        `label ${entry.label} has keys with roles ${sameLabel.role} and ${entry.role}: a label's keys (rotations) must share one role`,
      );
    }
    if (sameLabel && sameLabel.person !== entry.person) {
      problems.push(
        `label ${entry.label} has keys of persons ${sameLabel.person ?? '(none)'} and ${entry.person ?? '(none)'}: a label's keys must share one person`,
      );
    }
    byLabel.set(entry.label, sameLabel ?? entry);
  }
  return problems;
}

/** Labels the configured lists may not use (the admin key's, and names the workflows decide under). */
export function reservedLabelProblems(entries: readonly ApiKeyEntry[]): string[] {
  return entries.filter((e) => RESERVED_LABELS.has(e.label)).map((e) => `label ${e.label} is reserved; name the key's holder instead`);
}
