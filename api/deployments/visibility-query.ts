// Temporal visibility queries built from values a client gave (a service name, a repository, a
// task queue). The query language is SQL-like: a value is written as a string literal with its
// backslashes and quotes escaped, so no value can close the literal and add clauses of its own.

/** A search attribute name: letters, digits and underscores only (ours are constants, never input). */
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `value` as a string literal: `'`, backslash-escaped quotes and backslashes inside. */
export function literal(value: string): string {
  return `'${value.replace(/[\\']/g, (ch) => `\\${ch}`)}'`;
}

function attribute(name: string): string {
  if (!ATTRIBUTE.test(name)) throw new Error(`Not a search attribute name: ${JSON.stringify(name)}`);
  return name;
}

/** `name = 'value'`. */
export function equals(name: string, value: string): string {
  return `${attribute(name)} = ${literal(value)}`;
}

/** `name IN ('a', 'b')`. */
export function isIn(name: string, values: readonly string[]): string {
  if (values.length === 0) throw new Error(`${name} IN () matches nothing: give at least one value`);
  return `${attribute(name)} IN (${values.map(literal).join(', ')})`;
}

/** The clauses joined with AND. */
export function allOf(...clauses: string[]): string {
  return clauses.join(' AND ');
}
