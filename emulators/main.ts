// `npm run sandbox`: the sandbox emulators (GitHub, AWS, channel APIs, Slack) as a process of their
// own — "a split sandbox" — so that API and worker processes, in production mode, can be started
// and stopped apart from them. Prints the environment those processes need as KEY=value lines on
// stdout (and into --env-file), a banner on stderr, and runs until SIGINT or SIGTERM.
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE, SANDBOX_SLACK } from './sandbox.js';
import { formatEnvironment, writeEnvironmentFile } from './split/environment.js';
import { parseSplitSandboxArgs, USAGE, UsageError, type SplitSandboxOptions } from './split/options.js';
import { startSplitSandbox, type SplitSandbox } from './split/start.js';

// The npm script ends in `--`: Node reads an `--env-file` after the script's path as its own
// option (nodejs/node#54232) and refuses to start when that file does not exist yet; after `--`
// it leaves it alone. The separator itself is not one of our arguments.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();

let options: SplitSandboxOptions;
try {
  options = parseSplitSandboxArgs(argv);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// A reader that goes away (`| head`) must not take the emulators down.
process.stdout.on('error', () => undefined);

let running: SplitSandbox | undefined;
let stopping = false;
async function stop(reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`  stopping the sandbox emulators (${reason})\n`);
  try {
    await running?.close();
  } catch (error) {
    process.stderr.write(`  the emulators did not close cleanly: ${(error as Error).message}\n`);
    exitCode = exitCode || 1;
  }
  process.exit(exitCode);
}
// A terminal's Ctrl-C can arrive twice (terminal and npm): repeats are ignored, a third forces the exit.
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals >= 3) process.exit(130);
    void stop(signal, 0);
  });
}

try {
  running = await startSplitSandbox(options);
  process.stdout.write(formatEnvironment(running.env));
  const envFile = options.envFile ? writeEnvironmentFile(options.envFile, running.env) : undefined;
  process.stderr.write(banner(running, options, envFile));
} catch (error) {
  process.stderr.write(`The sandbox emulators failed to start: ${(error as Error).message}\n`);
  await stop('start-up failed', 1);
}

function banner(split: SplitSandbox, opts: SplitSandboxOptions, envFile: string | undefined): string {
  const { urls, main, extras } = split;
  const extra =
    extras.length === 0
      ? []
      : [
          `  + ${extras.length} more  ${extras[0]!.service}..${extras.at(-1)!.service} in ${main.cluster}, CodeDeploy ${extras[0]!.codeDeployApplication}/${extras[0]!.codeDeployGroup}..${extras.at(-1)!.codeDeployApplication}/${extras.at(-1)!.codeDeployGroup}`,
        ];
  const hook =
    opts.hookUrls.length === 0
      ? '  Hook         not forwarded (no --hook-url): CodeDeploy passes AfterAllowTestTraffic by itself'
      : `  Hook         AfterAllowTestTraffic → ${opts.hookUrls.join(', ')}${opts.hookUrls.length > 1 ? '   (round-robin, unreachable ones skipped)' : ''}`;
  return (
    [
      '',
      '  Switchyard split sandbox: the emulators only; run the worker and the API in production mode',
      '  (SWITCHYARD_SANDBOX=false) with the environment printed on stdout',
      `  GitHub API   ${urls.github}   repo ${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}, token ${SANDBOX_CREDENTIALS.githubToken}`,
      `  AWS          ${urls.aws}   key ${SANDBOX_CREDENTIALS.awsAccessKeyId} / ${SANDBOX_CREDENTIALS.awsSecretAccessKey}, ${SANDBOX_CREDENTIALS.region}`,
      `  ECS service  ${main.cluster}/${main.service} (CodeDeploy ${main.codeDeployApplication}/${main.codeDeployGroup}), blue ${main.blueUrl}, green ${main.greenUrl}`,
      ...extra,
      `  Channels     ${urls.channels}   (state: ${urls.channels}/_emulator/state)`,
      `  Slack        ${urls.slack}   signing secret ${Object.fromEntries(split.env).SLACK_SIGNING_SECRET}; approver ${SANDBOX_SLACK.approver}`,
      hook,
      envFile
        ? `  Environment  ${envFile}   (load it: set -a; . ${envFile}; set +a)`
        : '  Environment  stdout only (--env-file PATH writes it to a file)',
      '  (sandbox-only credentials, accepted by the emulators and nothing else)',
      '  Ctrl-C stops the emulators.',
      '',
    ].join('\n') + '\n'
  );
}
