// Deployment failures carry the Panda deploy API's error codes. Activities throw ApplicationFailures typed
// with a code for permanent problems; anything unclassified becomes the stage's default code.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { DEPLOYMENT_ERROR_CODES as ERROR_CODES, type DeploymentErrorCode } from '../../domain/deployment.js';

export class DeploymentFailure extends Error {
  constructor(
    readonly code: DeploymentErrorCode,
    message: string,
    readonly stage: number,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DeploymentFailure';
  }
}

const STAGE_DEFAULT_CODES: Record<number, DeploymentErrorCode> = {
  1: 'DOCKER_BUILD_FAILED',
  2: 'DOCKER_BUILD_FAILED',
  3: 'ECS_DEPLOYMENT_FAILED',
  4: 'ECS_DEPLOYMENT_FAILED',
  5: 'ECS_DEPLOYMENT_FAILED',
};

function isErrorCode(value: string | undefined | null): value is DeploymentErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value ?? '');
}

export function classifyFailure(error: unknown, stage: number): DeploymentFailure {
  if (error instanceof DeploymentFailure) return error;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const code = isErrorCode(cause.type) ? cause.type : (STAGE_DEFAULT_CODES[stage] ?? 'UNEXPECTED_ERROR');
    return new DeploymentFailure(code, cause.message, stage);
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DeploymentFailure(STAGE_DEFAULT_CODES[stage] ?? 'UNEXPECTED_ERROR', message, stage);
}
