// An error the emulator answers with, in the service's own vocabulary: `code` is the exception
// name the AWS SDK maps to its exception class (`RepositoryNotFoundException`, …) or, for STS,
// the awsQuery error code (`InvalidClientTokenId`). Handlers throw it; the protocol layers encode it.
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; AWS answers client mistakes with 400 and its own failures with 500 (503 when it is overloaded). */
    readonly status: 400 | 403 | 404 | 500 | 503 = 400,
  ) {
    super(message);
    this.name = code;
  }

  /** awsQuery distinguishes the caller's fault (Sender) from the service's (Receiver). */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
