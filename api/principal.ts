// Who is calling: the key's role, label and person, however it was presented (key, stream token,
// session). Its own module, so auth and the session signer can share it without importing each other.
import type { Role } from '../common/config/config.js';

export interface Principal {
  role: Role;
  /** Whose key matched (its configured label), for policies and audit ("approved by …"); never the key itself. */
  label: string;
  /** Which key of that label (rotations share a label). */
  keyId?: string;
  /** The person behind the key (SWITCHYARD_IDENTITIES or the key entry): one person counts once. */
  person?: string;
  /** Set when a stream token (not the key itself) was presented; the label is still the key's, so its limits apply. */
  via?: 'stream token' | 'session';
}
