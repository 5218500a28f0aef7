// SWITCHYARD_IDENTITIES: who the people are behind API keys and Slack users, so that one person
// counts once under an approval policy whichever door they come through (the API, the console,
// the WebSocket, Slack). JSON in the variable or `@path/to/file.json`:
//
//   {"alice": {"apiKeys": ["alice", "alice-laptop"], "slackUsers": ["U0ALICE"]}}
//
// apiKeys are key labels (SWITCHYARD_API_KEYS or the keys file, whose entries may also name their
// `person`). A label or a Slack user belongs to one person at most.
import { z } from 'zod';
import { NAME, type ApiKeyEntry } from './api-keys.js';
import { jsonOrFileField } from '../config/fields.js';

const personSchema = z
  .object({
    apiKeys: z.array(z.string().regex(NAME, 'must be an API key label')).max(100).default([]),
    slackUsers: z
      .array(z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id starting with U or W'))
      .max(100)
      .default([]),
  })
  .strict();

const identitiesSchema = z.record(z.string().regex(NAME, "a person's name must be letters, digits and . _ @ -"), personSchema);

export type WrittenIdentities = z.output<typeof identitiesSchema>;

export const identitiesField = jsonOrFileField(identitiesSchema, '{"alice": {"apiKeys": ["alice"], "slackUsers": ["U0ALICE"]}}');

/** Who is who, resolved once at start: each key with its person, and each Slack user's person. */
export interface Identities {
  keys: ApiKeyEntry[];
  /** Slack user id → person. */
  slackUsers: Record<string, string>;
}

/** Joins the keys and the map, or says what contradicts (each problem is prefixed with the variable it is about). */
export function resolveIdentities(
  keys: readonly ApiKeyEntry[],
  written: WrittenIdentities = {},
): { identities: Identities; problems: string[] } {
  const problems: string[] = [];
  const labels = new Set(keys.map((k) => k.label));
  const personOfLabel = new Map<string, string>();
  const slackUsers: Record<string, string> = {};
  for (const [person, { apiKeys, slackUsers: users }] of Object.entries(written)) {
    for (const label of apiKeys) {
      const other = personOfLabel.get(label);
      if (other && other !== person) problems.push(`SWITCHYARD_IDENTITIES: API key label ${label} belongs to both ${other} and ${person}`);
      if (!labels.has(label)) problems.push(`SWITCHYARD_IDENTITIES: ${person} names API key label ${label}, which no configured key has`);
      personOfLabel.set(label, person);
    }
    for (const user of users) {
      const other = slackUsers[user];
      if (other && other !== person) problems.push(`SWITCHYARD_IDENTITIES: Slack user ${user} belongs to both ${other} and ${person}`);
      slackUsers[user] = person;
    }
  }
  const resolved = keys.map((key) => {
    const mapped = personOfLabel.get(key.label);
    if (mapped && key.person && mapped !== key.person) {
      problems.push(`SWITCHYARD_IDENTITIES: API key label ${key.label} is ${mapped}'s here but ${key.person}'s in its key entry`);
    }
    const person = key.person ?? mapped;
    return person ? { ...key, person } : key;
  });
  return { identities: { keys: resolved, slackUsers }, problems: [...new Set(problems)] };
}
