// The CLI's types are generated from the app's OpenAPI document (npm run gen:api). A route whose
// schema changed without regenerating them fails here, not in a user's terminal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES, generateApiTypes } from '../../cli/codegen.js';

describe('cli/generated/api.d.ts', () => {
  it('is what npm run gen:api makes from the app as it is', async () => {
    const fresh = await generateApiTypes();
    expect(fresh).toContain('"/api/v1/deploy/{id}/switch"');
    // One line of output instead of a diff of thousands when stale.
    expect(readFileSync(GENERATED_TYPES, 'utf8') === fresh, 'cli/generated/api.d.ts is stale: run npm run gen:api').toBe(true);
  }, 60_000);
});
