// Every door of the API that sends a Temporal update sends it through api/temporal-update.ts, so
// none can wait without a bound again (the SDK's update call waits as long as no worker answers).
// Read from the sources, so a new door that calls the SDK directly fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const api = fileURLToPath(new URL('../../../api/', import.meta.url));

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const SENDS = /\.(executeUpdate|startUpdate|executeUpdateWithStart|startUpdateWithStart)\(/;
const BOUNDED =
  /import \{[^}]*\b(boundedUpdate|executeBounded|sendHook)\b[^}]*\} from '(\.\.?\/)+(temporal-update|hooks\/hook-update|hook-update)\.js'/;
/** The admission's raw call: the bench measures it bare; the API sends it only from admission.ts, within the bound. */
const RAW = ['deployments/admission-update.ts'];

describe("the API's updates", () => {
  const files = sources(api).map((path) => ({ name: relative(api, path), source: readFileSync(path, 'utf8') }));

  it('are sent within the bound: every file that calls the SDK for one bounds it with temporal-update.ts', () => {
    const senders = files.filter((f) => SENDS.test(f.source)).map((f) => f.name);
    expect(senders).toContain('temporal-update.ts');
    const unbounded = senders
      .filter((name) => name !== 'temporal-update.ts' && !RAW.includes(name))
      .filter((name) => !BOUNDED.test(files.find((f) => f.name === name)!.source));
    expect(unbounded).toEqual([]);
  });

  it("send the admission's raw call only from a bounded file", () => {
    const callers = files.filter((f) => /\bsendAdmission\(/.test(f.source) && !RAW.includes(f.name));
    expect(callers.map((f) => f.name)).toEqual(['deployments/admission.ts']);
    for (const caller of callers) expect(caller.source).toMatch(BOUNDED);
  });
});
