// The sandbox's memory in the data folder, so that `npm start` after a stop or a crash finds its
// deployments where they were, as real AWS and Slack would have kept them: the AWS emulator's
// state (ECR, ECS, CodeDeploy with each deployment's pending step, STS sessions, counters) and
// Slack's messages, plus the ports the emulators listened on (URLs recorded in running
// workflows, such as a deployment's blue/green probe URLs, must keep working).
// The GitHub and channel emulators start fresh: a build or a publish in flight at the stop is
// lost, as if the service had failed it.
// Written atomically (temporary file, then rename) whenever the state changed, checked every
// 250 ms, and once more on close; a crash loses at most that last quarter second.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AwsEmulatorData } from './aws/emulator-state.js';
import type { SlackEmulatorState } from './slack/state.js';

export interface SandboxData {
  version: 1;
  aws: AwsEmulatorData;
  slack: ReturnType<SlackEmulatorState['exportData']>;
}

export interface SandboxPorts {
  github?: number;
  aws?: number;
  channels?: number;
  slack?: number;
}

const STATE_FILE = 'emulators.v8';
const PORTS_FILE = 'ports.json';

function writeAtomically(path: string, content: Buffer | string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** The saved state, or undefined on a first start. A file that cannot be read is an error, never silently dropped. */
export function readSandboxState(dir: string): SandboxData | undefined {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  const data = deserialize(readFileSync(path)) as SandboxData;
  if (data?.version !== 1) throw new Error(`${path} is not a sandbox state this version can read; move it away to start fresh`);
  return data;
}

export function readSandboxPorts(dir: string): SandboxPorts {
  const path = join(dir, PORTS_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SandboxPorts) : {};
}

export function writeSandboxPorts(dir: string, ports: SandboxPorts): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, PORTS_FILE), `${JSON.stringify(ports, null, 2)}\n`);
}

export interface SandboxStateWriter {
  /** Writes the current state now if it changed (on close). */
  flush(): void;
  stop(): void;
}

export function keepSandboxState(dir: string, snapshot: () => SandboxData, intervalMs = 250): SandboxStateWriter {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, STATE_FILE);
  let last: Buffer | undefined;
  const flush = () => {
    const bytes = serialize(snapshot());
    if (last && bytes.equals(last)) return;
    writeAtomically(path, bytes);
    last = bytes;
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return { flush, stop: () => clearInterval(timer) };
}
