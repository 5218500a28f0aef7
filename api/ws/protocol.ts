// The WatchHamster WebSocket protocol as Switchyard speaks it: its envelope
// `{type, data, timestamp, client_id?, broadcast_id?}`, its error message and codes, and zod
// schemas for every client message.
//
// Client → server: client_info, subscribe, unsubscribe, ping, deployment_control,
//   distribution_control (the WatchHamster API's `service_control`, split by workflow kind).
// Server → client: connection_status, client_info_ack, subscribed, unsubscribed, deployment_event,
//   distribution_event, alert, pong, control_result, error; and `batch` (below), only to a client
//   that asked for it.
//
// Outbound rate (WatchHamster: "server broadcast frequency: 5 a second"):
// - Replies to the client's own messages (connection_status, client_info_ack, subscribed,
//   unsubscribed, pong, control_result, error) go at once as plain frames and are not counted:
//   the inbound limit (10 messages a second, one RATE_LIMIT_EXCEEDED a window) already bounds them,
//   and a client must see the answer, above all the error, that it is waiting for.
// - Broadcasts (deployment_event, distribution_event, alert: what subscriptions deliver) go at
//   most 5 a second. More wait, in order, and leave as the window allows, each as its own plain
//   frame. A client with more than 1000 waiting is too slow: RATE_LIMIT_EXCEEDED, then closed 1008.
// - The `batch` capability: a client that sends `client_info` with `"capabilities": ["batch"]`
//   (or `"batch"` in the WatchHamster API's `features` list) gets the waiting broadcasts together instead, as
//   `{type: 'batch', data: {count, messages: [<envelope>, …]}, timestamp}`, in order, at most 5
//   frames a second. WatchHamster has no batch type (its client drops unknown types, and everything
//   inside), so no one gets one without asking; the client_info_ack's `capabilities` says whether
//   batching is on, and a later client_info without it turns it off.
//
// Subscribe filters, mapped from the WatchHamster API's names onto Switchyard's workflows:
//   WatchHamster `service_ids` (also accepted as `services`) → ECS services (`cluster/service`, or a bare
//                       service name of the default cluster): their deployments are watched
//   `deployment_ids`  → deployments (hub key `deployment:<id>`)
//   `event_ids`       → distributions (hub key `distribution:<eventId>`)
//   `statuses`        → deployments whose status (SwitchyardStatus) is one of these are watched;
//                       with `service_ids`, both must match
//   WatchHamster `alert_levels` → which alert levels are sent
//   WatchHamster `log_levels` → accepted for WatchHamster clients, no effect (there is no log stream)
// A subscribe with no workflow filter at all (no ids, services or statuses) watches every running
// deployment. Distributions are watched by event id only.
import { z } from 'zod';
import { CHANNEL_TYPES } from '../../domain/channels.js';
import { DEPLOYMENT_STATUSES } from '../../domain/deployment.js';

export const SERVER_MESSAGE_TYPES = [
  'connection_status',
  'client_info_ack',
  'subscribed',
  'unsubscribed',
  'deployment_event',
  'distribution_event',
  'alert',
  'pong',
  'control_result',
  'error',
  'batch',
] as const;
export type ServerMessageType = (typeof SERVER_MESSAGE_TYPES)[number];

export const CLIENT_MESSAGE_TYPES = [
  'client_info',
  'subscribe',
  'unsubscribe',
  'ping',
  'deployment_control',
  'distribution_control',
] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

/** What a client can subscribe to (`event_types`). */
export const EVENT_TYPES = ['deployment_event', 'distribution_event', 'alert'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ALERT_LEVELS = ['info', 'warning', 'error', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const ERROR_CODES = [
  'INVALID_MESSAGE_FORMAT',
  'UNKNOWN_MESSAGE_TYPE',
  'AUTHENTICATION_REQUIRED',
  'PERMISSION_DENIED',
  'SERVICE_NOT_FOUND',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMIT_EXCEEDED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The server's features (connection_status): `batch` says a client may ask for batch frames. */
export const FEATURES = [
  'deployment_events',
  'distribution_events',
  'alerts',
  'deployment_control',
  'distribution_control',
  'history_replay',
  'batch',
];

/** Client capabilities the server acts on (client_info `capabilities`, or the WatchHamster API's `features`). */
export const CLIENT_CAPABILITIES = ['batch'] as const;

/** Broadcasts are the messages subscriptions deliver; only they are held by the outbound rate. */
export function isBroadcast(type: ServerMessageType): boolean {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

export interface ServerMessage {
  type: ServerMessageType;
  data: Record<string, unknown>;
  timestamp: string;
  client_id?: string;
  broadcast_id?: string;
}

export function message(
  type: ServerMessageType,
  data: Record<string, unknown>,
  extra: { client_id?: string; broadcast_id?: string } = {},
): ServerMessage {
  return { type, data, timestamp: new Date().toISOString(), ...extra };
}

/** The WatchHamster API's error message: the code, a readable message, details, and the time twice. */
export function errorMessage(code: ErrorCode, text: string, details: Record<string, unknown> = {}, clientId?: string): ServerMessage {
  const timestamp = new Date().toISOString();
  return {
    type: 'error',
    data: { error_code: code, error_message: text, details, timestamp },
    timestamp,
    ...(clientId ? { client_id: clientId } : {}),
  };
}

/** Sends one client the WatchHamster API's error message (the session fills in its client_id). */
export type ErrorSender = (code: ErrorCode, text: string, details?: Record<string, unknown>) => void;

const isoTimestamp = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 timestamp');
// Ids as the API issues them (dep_…, event ids): printable, no spaces, bounded.
const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s\p{Cc}]+$/u, 'must be a non-empty id without spaces');
const ids = z.array(id).max(100);
const requestId = z.string().min(1).max(128).optional();

/** Envelope checks: `type` and `data` are required (the WatchHamster API's expected_fields); timestamp and client_id optional. */
export const EnvelopeSchema = z.object({
  type: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  timestamp: isoTimestamp.optional(),
  client_id: z.string().max(128).optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const ClientInfoSchema = z.looseObject({
  client_id: z.string().min(1).max(128).optional(),
  client_type: z.string().max(128).optional(),
  user_agent: z.string().max(512).optional(),
  features: z.array(z.string().max(64)).max(50).optional(),
  /** What the client can take beyond WatchHamster: `batch` (see the header). Unknown names are ignored. */
  capabilities: z.array(z.string().max(64)).max(50).optional(),
});

export const FiltersSchema = z.strictObject({
  deployment_ids: ids.optional(),
  event_ids: ids.optional(),
  service_ids: ids.optional(),
  services: ids.optional(),
  statuses: z.array(z.enum(DEPLOYMENT_STATUSES)).max(DEPLOYMENT_STATUSES.length).optional(),
  alert_levels: z.array(z.enum(ALERT_LEVELS)).max(ALERT_LEVELS.length).optional(),
  log_levels: z.array(z.string().max(16)).max(10).optional(),
});

// Any bounded name: known and WatchHamster names are mapped (subscriptions.ts), the rest are named in the
// ack's warnings.
const eventTypeNames = z.array(z.string().min(1).max(64)).max(20);

export const SubscribeSchema = z.strictObject({
  event_types: eventTypeNames.optional(),
  filters: FiltersSchema.optional(),
  /** History after this seq for the workflows named in this message (default 0: all of it, like SSE). */
  since_seq: z.number().int().min(0).optional(),
});

export const UnsubscribeSchema = z.strictObject({
  event_types: eventTypeNames.optional(),
  filters: FiltersSchema.omit({ log_levels: true }).optional(),
});

export const PingSchema = z.looseObject({ client_time: isoTimestamp.optional() });

export const DeploymentControlSchema = z.strictObject({
  deployment_id: id,
  action: z.enum(['switch', 'rollback']),
  reason: z.string().max(500).optional(),
  request_id: requestId,
});

export const DistributionControlSchema = z
  .strictObject({
    event_id: id,
    action: z.enum(['retry', 'cancel']),
    channels: z.array(z.enum(CHANNEL_TYPES)).min(1).max(CHANNEL_TYPES.length).optional(),
    request_id: requestId,
  })
  .refine((d) => d.action !== 'retry' || (d.channels?.length ?? 0) > 0, { message: 'retry needs channels', path: ['channels'] });
