// Visibility queries are built from client values (service, repository, task queue): hostile
// values stay inside their string literal.
import { describe, expect, it } from 'vitest';
import { allOf, equals, isIn, literal } from '../../api/deployments/visibility-query.js';

describe('visibility query builder', () => {
  it('escapes quotes and backslashes inside the literal', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    // A trailing backslash must not escape the closing quote.
    expect(literal('x\\')).toBe("'x\\\\'");
    expect(literal("\\'")).toBe("'\\\\\\''");
  });

  it('keeps an injection attempt one value of one clause', () => {
    const query = allOf(equals('SwitchyardKind', 'deployment'), equals('DeployService', "x' OR SwitchyardKind = 'deployment"));
    expect(query).toBe("SwitchyardKind = 'deployment' AND DeployService = 'x\\' OR SwitchyardKind = \\'deployment'");
    // Unescaped quotes: the two of each literal only, so the value never closes its own.
    expect(query.replace(/\\./g, '').match(/'/g)).toHaveLength(4);
  });

  it('refuses attribute names that are not identifiers and empty IN lists', () => {
    expect(() => equals("DeployService' OR 1=1 --", 'x')).toThrow(/Not a search attribute name/);
    expect(() => isIn('SwitchyardStatus', [])).toThrow(/matches nothing/);
    expect(isIn('SwitchyardStatus', ['A', "B'"])).toBe("SwitchyardStatus IN ('A', 'B\\'')");
  });
});
