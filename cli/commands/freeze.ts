// `switchyard freeze set|list|lift`: deployment freezes (deploys in scope are refused with 423;
// switches at the gate need an admin's override).
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { usageError } from '../exit-codes.js';
import { table } from '../output.js';
import { examples, type Bind } from '../command-kit.js';

const FREEZE_COLUMNS = [
  { key: 'id', title: 'ID' },
  { key: 'scope', title: 'SCOPE' },
  { key: 'startsAt', title: 'FROM' },
  { key: 'endsAt', title: 'UNTIL' },
  { key: 'by', title: 'BY' },
  { key: 'reason', title: 'REASON' },
] as const;

/** `90m`, `2h`, `3d` in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

/** `--until` as an ISO time, or `--for` a duration from `now`. */
export function freezeEnd(options: { until?: string; for?: string }, now = new Date()): string {
  if (options.until && options.for) throw usageError('give --until or --for, not both');
  if (options.until) return options.until;
  if (options.for) {
    const ms = parseDuration(options.for);
    if (ms === undefined) throw usageError(`--for takes a duration such as 90m, 2h or 3d, got ${options.for}`);
    return new Date(now.getTime() + ms).toISOString();
  }
  throw usageError('when does the freeze end? give --until ISO-TIME or --for DURATION');
}

const freezeLines = (freezes: Schemas['Freeze'][]) =>
  freezes.length === 0
    ? ['no freezes']
    : table(
        freezes.map((f) => ({ ...f, scope: Array.isArray(f.scope) ? f.scope.join(',') : f.scope })),
        FREEZE_COLUMNS,
      );

export function registerFreeze(program: Command, bind: Bind): void {
  const freeze = program.command('freeze').description('Set, list and lift deployment freezes');
  examples(
    freeze
      .command('set')
      .description('Freeze deployments (admin)')
      .argument('<scope...>', '"all", or cluster/service keys')
      .requiredOption('--reason <text>', 'why')
      .option('--until <iso-time>', 'when it ends')
      .option('--for <duration>', 'how long: 90m, 2h, 3d')
      .option('--from <iso-time>', 'when it starts (default: now)'),
    'switchyard freeze set all --reason "Black Friday" --until 2026-11-28T00:00:00Z',
    'switchyard freeze set prod/api prod/web --reason incident --for 2h',
  ).action(
    bind(async (ctx, scope, options) => {
      const body: Schemas['FreezeRequest'] = {
        scope: scope.length === 1 && scope[0] === 'all' ? 'all' : scope,
        reason: String(options['reason']),
        endsAt: freezeEnd({ until: options['until'] as string | undefined, for: options['for'] as string | undefined }),
        ...(options['from'] ? { startsAt: String(options['from']) } : {}),
      };
      const f = (await unwrap(ctx.api.POST('/api/v1/freezes', { body }), ctx.url)).data.data;
      ctx.out.result(f, () => [
        `${f.id}: frozen ${Array.isArray(f.scope) ? f.scope.join(', ') : f.scope} from ${f.startsAt} until ${f.endsAt}: ${f.reason}`,
      ]);
    }),
  );
  examples(
    freeze.command('list').description('Freezes in force and planned').option('--active', 'only those in force now'),
    'switchyard freeze list',
  ).action(
    bind(async (ctx, _args, options) => {
      const data = (await unwrap(ctx.api.GET('/api/v1/freezes'), ctx.url)).data.data;
      const shown = options['active'] ? data.active : data.freezes;
      ctx.out.result(options['active'] ? { active: data.active } : data, () => freezeLines(shown));
    }),
  );
  examples(
    freeze.command('lift').description('Lift a freeze now (admin)').argument('<id>', 'the freeze id'),
    'switchyard freeze lift frz_0a1b2c3d4e',
  ).action(
    bind(async (ctx, [id]) => {
      const f = (await unwrap(ctx.api.DELETE('/api/v1/freezes/{id}', { params: { path: { id: id! } } }), ctx.url)).data.data;
      ctx.out.result(f, () => [`${f.id}: lifted (it now ends ${f.endsAt})`]);
    }),
  );
}
