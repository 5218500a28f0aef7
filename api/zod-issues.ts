// One way to describe zod's validation issues to a client, for HTTP (400 details) and the
// WebSocket (INVALID_MESSAGE_FORMAT details): the dotted path of each field, and its message.
import type { ZodError } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

/** `root` names an issue about the whole value (HTTP: `(body)`, WebSocket: `(root)`). */
export function fieldIssues(error: ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.length > 0 ? issue.path.join('.') : root, message: issue.message }));
}

/** The same as `field: message` lines. */
export function issueLines(error: ZodError, root: string): string[] {
  return fieldIssues(error, root).map((i) => `${i.field}: ${i.message}`);
}
