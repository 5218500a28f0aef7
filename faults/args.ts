// `npm run faults [-- --ci] [--seed N] [--runs N] [--only TEXT] [--verbose] [--serial]`
import { parseArgs } from 'node:util';

export interface SuiteArgs {
  ci: boolean;
  seed: number;
  /** Runs per fault instead of the budget's own. */
  runs: number | undefined;
  /** Only the faults whose name contains this. */
  only: string | undefined;
  verbose: boolean;
  /** One scenario at a time (default: two side by side, the exclusive ones alone). */
  serial: boolean;
}

export function parseSuiteArgs(argv: string[]): SuiteArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ci: { type: 'boolean', default: false },
      seed: { type: 'string' },
      runs: { type: 'string' },
      only: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      serial: { type: 'boolean', default: false },
    },
  });
  const whole = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`${flag}: a whole number, not ${raw}`);
    return Number(raw);
  };
  return {
    ci: values.ci ?? false,
    // A fresh seed unless one is given; it is printed, so any run can be replayed.
    seed: whole('--seed', values.seed) ?? Math.floor(Math.random() * 2 ** 31),
    runs: whole('--runs', values.runs),
    only: values.only,
    verbose: values.verbose ?? false,
    serial: values.serial ?? false,
  };
}
