// The command line: commander parses it (one file per command under cli/commands/), every
// command gets `--output json`, `--help` with an example, and one exit code (cli/exit-codes.ts).
// Errors print as one line on stderr (and as JSON on stdout with --output json).
import { Command, CommanderError, Option } from 'commander';
import { CommandContext } from './context.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import type { Format, Io } from './output.js';
import { registerApprove } from './commands/approve.js';
import { registerCancel } from './commands/cancel.js';
import { registerConnect } from './commands/connect.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDistribute } from './commands/distribute.js';
import { registerEmergencyStop } from './commands/emergency-stop.js';
import { registerFreeze } from './commands/freeze.js';
import { registerLogin } from './commands/login.js';
import { registerRetry } from './commands/retry.js';
import { registerRollback } from './commands/rollback.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';
import type { Bind } from './command-kit.js';

export function createProgram(io: Io, fetchImpl: typeof fetch = globalThis.fetch) {
  let exitCode: ExitCode = EXIT.OK;
  let context: CommandContext | undefined;
  const program = new Command('switchyard')
    .description('Deploy, approve, roll back and distribute with a Switchyard server.')
    .addOption(
      new Option('-o, --output <format>', 'text for people, json for scripts (one JSON document on stdout)')
        .choices(['text', 'json'])
        .default('text'),
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Settings: SWITCHYARD_URL and SWITCHYARD_API_KEY, else the file \`switchyard login\` writes.
Exit codes: 0 ok, 1 release failed or rolled back, 2 usage, 3 refused by the API (4xx), 4 server or network.`,
  );

  const bind: Bind =
    (action) =>
    async (...parsed) => {
      const command = parsed.at(-1) as Command;
      const options = command.opts();
      const args = parsed.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
      context = new CommandContext(io, command.optsWithGlobals()['output'] as Format, fetchImpl);
      exitCode = (await action(context, args, options)) ?? EXIT.OK;
    };

  for (const register of [
    registerLogin,
    registerConnect,
    registerDeploy,
    registerWatch,
    registerStatus,
    registerApprove,
    registerRollback,
    registerFreeze,
    registerEmergencyStop,
    registerDistribute,
    registerRetry,
    registerCancel,
  ])
    register(program, bind);

  async function run(argv: string[]): Promise<ExitCode> {
    exitCode = EXIT.OK;
    try {
      await program.parseAsync(argv, { from: 'user' });
      return exitCode;
    } catch (error) {
      if (error instanceof CommanderError) {
        // --help and --version end here too, successfully; commander has printed the problem.
        return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      }
      const failure = error instanceof CliError ? error : new CliError(EXIT.SERVER, (error as Error).message ?? String(error));
      context?.out.end();
      io.stderr.write(`switchyard: ${failure.message}\n`);
      const json =
        context?.out.json ?? argv.some((a, i) => a === '--output=json' || ((a === '-o' || a === '--output') && argv[i + 1] === 'json'));
      if (json)
        io.stdout.write(
          `${JSON.stringify({ error: { message: failure.message, exitCode: failure.exitCode, ...failure.details } }, null, 2)}\n`,
        );
      return failure.exitCode;
    }
  }

  return { program, run };
}
