// The process itself: where it listens, how much it logs, where its files go, and whether it runs
// against the emulators (sandbox) or the real services.
import { resolve } from 'node:path';
import { z } from 'zod';
import { booleanFlag, port } from './fields.js';

const serverSchema = z.object({
  PORT: port.default(8080),
  WORKER_HEALTH_PORT: port.optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHYARD_DATA_DIR: z.string().min(1).default('.data'),
  SWITCHYARD_SANDBOX: booleanFlag.optional(),
  SWITCHYARD_PUBLIC_URL: z.url().optional(),
});
export const serverFields = serverSchema.shape;
type ServerRaw = z.infer<typeof serverSchema>;

export interface ServerConfig {
  port: number;
  /** The worker's probe port (GET /livez, /readyz; worker/health-server.ts); unset: no probe server. */
  workerHealthPort: number | undefined;
  host: string;
  logLevel: ServerRaw['LOG_LEVEL'];
  dataDir: string;
  sandbox: boolean;
  publicUrl: string;
}

export function serverConfig(raw: ServerRaw): ServerConfig {
  return {
    port: raw.PORT,
    workerHealthPort: raw.WORKER_HEALTH_PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    dataDir: resolve(raw.SWITCHYARD_DATA_DIR),
    // Only when asked for: a replica that lost a variable must not fall into the emulators.
    sandbox: raw.SWITCHYARD_SANDBOX ?? false,
    publicUrl: raw.SWITCHYARD_PUBLIC_URL ?? `http://localhost:${raw.PORT}`,
  };
}
