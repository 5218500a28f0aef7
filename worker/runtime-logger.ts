// The Temporal runtime's Logger, backed by the process's pino logger: the SDK's own lines, every
// workflow's `log` (through the SDK's default sinks) and every activity's `log` come out as pino
// JSON lines with their workflowId, runId and activityType, and pass pino's redaction.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from '../common/logger.js';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** One naming for workflow and activity lines; the activity task token (it can complete the activity) is dropped. */
export function runtimeLogFields(meta: LogMetadata = {}): Record<string, unknown> {
  const { taskToken: _taskToken, workflowRunId, error, ...rest } = meta as Record<string, unknown>;
  return {
    ...rest,
    ...(workflowRunId !== undefined && rest.runId === undefined ? { runId: workflowRunId } : {}),
    ...(error !== undefined ? { err: error } : {}),
  };
}

export class PinoRuntimeLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[PINO_LEVEL[level]](runtimeLogFields(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
