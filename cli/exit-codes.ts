// The CLI's exit codes, one meaning each, so CI can tell "the release failed" from "the CLI was
// called wrong" from "the API said no" from "the API could not be reached" (docs/cli.md).
export const EXIT = {
  OK: 0,
  /** A release ended FAILED or ROLLED_BACK; a distribution ended FAILED or PARTIAL_FAILURE. */
  FAILED: 1,
  /** Wrong arguments, a missing setting, an unreadable file. */
  USAGE: 2,
  /** The API refused the request (4xx): a policy, a freeze, a role, a validation rule. */
  REFUSED: 3,
  /** The API failed (5xx) or could not be reached. */
  SERVER: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line and an exit code; `details` goes into `--output json`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.USAGE, message);
