// How Switchyard reaches Temporal: address, namespace, TLS (a CA, a client certificate for mTLS, a
// server name override) and an API key. Read with the SDK's own loader (@temporalio/envconfig), so
// the variables and the temporal.toml profile mean what they mean to every Temporal SDK and the CLI:
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_*,
// TEMPORAL_GRPC_META_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE. Read once, at start: certificate
// files are loaded then, so a rotated certificate takes a restart.
import { existsSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';

/** Everything but the address: secrets included, so never logged, never put in a workflow input. */
export interface TemporalCredentials {
  /** TLS settings; `true` means TLS with the system's CAs (an API key alone turns it on). */
  tls: TLSConfig | boolean | undefined;
  apiKey: string | undefined;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_*), e.g. for a proxy in front of the frontend. */
  metadata: Record<string, string> | undefined;
}

export interface TemporalProfile {
  address: string | undefined;
  namespace: string | undefined;
  credentials: TemporalCredentials;
}

const ADDRESS = /^[^\s:]+:\d+$/;

/**
 * Resolves the profile (file first, then the environment over it, as the SDK does) and checks what
 * the SDK would pass over silently. Returns problems, each naming its variable, instead of throwing.
 */
export function loadTemporalProfile(env: Record<string, string>): { profile?: TemporalProfile; problems: string[] } {
  const problems: string[] = [];
  // The SDK treats a missing file as "no file", even one named on purpose: a typo would then
  // connect without the certificates it names.
  if (env.TEMPORAL_CONFIG_FILE && !existsSync(env.TEMPORAL_CONFIG_FILE)) {
    return { problems: [`TEMPORAL_CONFIG_FILE: no such file: ${env.TEMPORAL_CONFIG_FILE}`] };
  }
  // The TypeScript SDK cannot skip host verification; ignoring the variable would be a surprise.
  if (env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === 'true' || env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === '1') {
    problems.push(
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported by the TypeScript SDK; set TEMPORAL_TLS_SERVER_NAME to the name in the server certificate instead',
    );
  }
  let raw;
  let connect;
  try {
    raw = loadClientConfigProfile({ overrideEnvVars: env, configFileStrict: true });
    connect = toClientOptions(raw);
  } catch (error) {
    const source = env.TEMPORAL_CONFIG_FILE
      ? `TEMPORAL_CONFIG_FILE (${env.TEMPORAL_CONFIG_FILE})`
      : 'Temporal connection settings (TEMPORAL_*, temporal.toml)';
    const profile = env.TEMPORAL_PROFILE ?? 'default';
    // The SDK fails on a file without any [profile.*] table with a TypeError; a named profile
    // that is missing gets its own message. Both point at TEMPORAL_PROFILE and the file.
    const noProfile =
      (error instanceof TypeError && /reading '/.test(error.message)) || /Profile '.*' not found/.test((error as Error).message);
    return {
      problems: [...problems, noProfile ? `TEMPORAL_PROFILE: no [profile.${profile}] in ${source}` : `${source}: ${readable(error)}`],
    };
  }
  if (Boolean(raw.tls?.clientCert) !== Boolean(raw.tls?.clientKey)) {
    problems.push(
      'TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA and TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA: mTLS needs both the client certificate and its key',
    );
  }
  // TEMPORAL_ADDRESS itself is checked with the other variables (common/config/config.ts).
  if (!env.TEMPORAL_ADDRESS && raw.address !== undefined && !ADDRESS.test(raw.address))
    problems.push(`address of the temporal.toml profile: must be host:port, not "${raw.address}"`);
  const { apiKey, tls } = connect.connectionOptions;
  const metadata = raw.grpcMeta;
  if (typeof apiKey === 'function') problems.push('TEMPORAL_API_KEY: must be a string');
  if (problems.length > 0) return { problems };
  const credentials: TemporalCredentials = {
    tls: tls === null ? undefined : tls,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    metadata: metadata && Object.keys(metadata).length > 0 ? metadata : undefined,
  };
  return { profile: { address: raw.address, namespace: raw.namespace, credentials }, problems };
}

/** True when anything beyond a plain connection is configured (TEMPORAL_TLS=false alone is not). */
export function hasCredentials(credentials: TemporalCredentials): boolean {
  return (
    (credentials.tls !== undefined && credentials.tls !== false) || credentials.apiKey !== undefined || credentials.metadata !== undefined
  );
}

/** The options both Connection.connect (client) and NativeConnection.connect (worker) take. */
export function connectionOptions(address: string, credentials: TemporalCredentials | undefined) {
  return {
    address,
    ...(credentials?.tls !== undefined ? { tls: credentials.tls } : {}),
    ...(credentials?.apiKey !== undefined ? { apiKey: credentials.apiKey } : {}),
    ...(credentials?.metadata !== undefined ? { metadata: credentials.metadata } : {}),
  };
}

function readable(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' && e.path) return `cannot read ${e.path}: no such file`;
  if (e.code === 'EACCES' && e.path) return `cannot read ${e.path}: permission denied`;
  return e.message ?? String(error);
}
