// What every command file shares: the action and binding types, and its --help examples. Apart
// from program.ts, so command files and the program that registers them do not import each other.
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import type { ExitCode } from './exit-codes.js';

/** A command's work: returns its exit code (OK when nothing is returned). */
export type Action = (ctx: CommandContext, args: string[], options: Record<string, unknown>) => Promise<ExitCode | void>;

/** Wires an action to a commander command: context from the global options, exit code kept. */
export type Bind = (action: Action) => (...parsed: unknown[]) => Promise<void>;

/** `Example:` lines under a command's --help. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
