// The value types of configuration variables that need more than a zod one-liner.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const port = z.coerce.number().int().min(0).max(65535);

export const ROLES = ['viewer', 'deployer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A Lambda function as Invoke accepts it: a name, `name:alias`, a partial ARN or a function ARN. */
export const lambdaFunction = z
  .string()
  .max(170)
  .regex(
    /^(arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:function:|\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]+))?$/,
    'must be a Lambda function name, name:alias, or function ARN',
  );

/**
 * A variable holding JSON, or `@path/to/file.json`, validated by `schema`; each problem is named
 * by its path in the document. `example` shows the expected shape when the text is not JSON.
 */
export function jsonOrFileField<T extends z.ZodType>(schema: T, example: string) {
  return z.string().transform((raw, ctx): z.output<T> => {
    let text = raw.trim();
    if (text.startsWith('@')) {
      try {
        text = readFileSync(text.slice(1), 'utf8');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `cannot read ${text.slice(1)}: ${(error as Error).message}` });
        return z.NEVER;
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON (${example}) or @file.json` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(top)'}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });
}
