// Frame checks: one incoming frame becomes a typed client message, or the WatchHamster API's error saying what
// is wrong with it (binary, too large, not JSON, an unknown type, a bad envelope, bad data for
// its type). Pure: the session sends the error, and the connection stays open either way.
import { Buffer } from 'node:buffer';
import type { z } from 'zod';
import { issueLines } from '../zod-issues.js';
import {
  ClientInfoSchema,
  CLIENT_MESSAGE_TYPES,
  DeploymentControlSchema,
  DistributionControlSchema,
  EnvelopeSchema,
  PingSchema,
  SubscribeSchema,
  UnsubscribeSchema,
  type ClientMessageType,
  type ErrorCode,
} from './protocol.js';

/** The schema of each client message type's `data`. */
const DATA_SCHEMAS = {
  client_info: ClientInfoSchema,
  subscribe: SubscribeSchema,
  unsubscribe: UnsubscribeSchema,
  ping: PingSchema,
  deployment_control: DeploymentControlSchema,
  distribution_control: DistributionControlSchema,
} satisfies Record<ClientMessageType, z.ZodType>;

export type ClientMessageOf<T extends ClientMessageType> = { type: T; data: z.infer<(typeof DATA_SCHEMAS)[T]>; timestamp?: string };
export type ClientMessage = { [T in ClientMessageType]: ClientMessageOf<T> }[ClientMessageType];

export interface FrameProblem {
  code: ErrorCode;
  text: string;
  details: Record<string, unknown>;
}

export type FrameCheck = { ok: true; message: ClientMessage } | { ok: false; problem: FrameProblem };

/** The WatchHamster API's expected_fields: what every message must have. */
const EXPECTED_FIELDS = ['type', 'data'];
/** How much of a refused message is echoed back in the error's details. */
const ECHOED_CHARS = 200;
const ECHOED_TYPE_CHARS = 64;

export function readFrame(raw: unknown, maxBytes: number): FrameCheck {
  if (typeof raw !== 'string') {
    return refused('INVALID_MESSAGE_FORMAT', 'Binary frames are not accepted: send UTF-8 JSON text', { expected_fields: EXPECTED_FIELDS });
  }
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > maxBytes) {
    return refused('INVALID_MESSAGE_FORMAT', `Message too large: ${bytes} bytes, at most ${maxBytes}`, {
      max_bytes: maxBytes,
      received_bytes: bytes,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return refused('INVALID_MESSAGE_FORMAT', 'Message is not valid JSON', {
      expected_fields: EXPECTED_FIELDS,
      received_message: raw.slice(0, ECHOED_CHARS),
    });
  }
  // An unknown type is named as such even when the rest of the envelope is wrong too.
  const type = (parsed as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const shown = type.slice(0, ECHOED_TYPE_CHARS);
    return refused('UNKNOWN_MESSAGE_TYPE', `Unknown message type: ${shown}`, {
      received_type: shown,
      supported_types: CLIENT_MESSAGE_TYPES,
    });
  }
  const envelope = EnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    return refused('INVALID_MESSAGE_FORMAT', 'Message must be an object with a string "type" and an object "data"', {
      expected_fields: EXPECTED_FIELDS,
      issues: issueLines(envelope.error, '(root)'),
      received_message: raw.slice(0, ECHOED_CHARS),
    });
  }
  // The type was checked against CLIENT_MESSAGE_TYPES above.
  const known = envelope.data.type as ClientMessageType;
  const data = DATA_SCHEMAS[known].safeParse(envelope.data.data);
  if (!data.success) {
    return refused('INVALID_MESSAGE_FORMAT', `Invalid data for ${known}`, {
      received_type: known,
      issues: issueLines(data.error, '(root)'),
    });
  }
  const timestamp = envelope.data.timestamp;
  // TypeScript cannot pair a union key with its own schema's output: each type got its own schema.
  const message = { type: known, data: data.data, ...(timestamp === undefined ? {} : { timestamp }) } as ClientMessage;
  return { ok: true, message };
}

function refused(code: ErrorCode, text: string, details: Record<string, unknown>): FrameCheck {
  return { ok: false, problem: { code, text, details } };
}
