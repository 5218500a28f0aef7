// Seed-style identifiers: a prefix and 10 lower-case letters and digits (`dep_k1l2m3n4o5`).
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function seedStyleId(prefix: 'dep_' | 'gh_' | 'aws_'): string {
  let suffix = '';
  for (let i = 0; i < 10; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}${suffix}`;
}

export const DEPLOYMENT_ID_PATTERN = /^dep_[a-z0-9]{10}$/;
