// Identifiers shaped like the real ones, so that code parsing or validating them (d-XXXXXXXXX,
// ecs-svc/…, sha256:…) behaves the same against the emulator as against AWS.
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** CodeDeploy deployment ids: `d-` and nine upper-case letters or digits. */
export const deploymentId = (): string => `d-${Array.from({ length: 9 }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('')}`;

export const DEPLOYMENT_ID_PATTERN = /^d-[A-Z0-9]{9}$/;

/** ECS task set ids of services under an external or CodeDeploy controller: `ecs-svc/` and 19 digits. */
export const taskSetId = (): string => `ecs-svc/${String(randomInt(1, 10)) + Array.from({ length: 18 }, () => randomInt(10)).join('')}`;

/** Opaque tokens such as lifecycle hook execution ids (long base64 strings in AWS). */
export const opaqueToken = (): string => randomBytes(48).toString('base64');

export const uuid = (): string => randomUUID();

export const sha256Digest = (content: string): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** An AWS request id for response metadata. */
export const requestId = (): string => randomUUID();
