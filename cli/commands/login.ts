// `switchyard login`: checks a server URL and API key against GET /api/v1/me, then keeps them in
// the config file (0600). The key comes from standard input or SWITCHYARD_API_KEY, never from an
// argument, so it stays out of shell history and `ps`.
import type { Command } from 'commander';
import { createApiClient, unwrap } from '../client.js';
import { configPath, normaliseUrl, writeConfigFile } from '../config.js';
import { usageError } from '../exit-codes.js';
import { examples, type Bind } from '../command-kit.js';

export function registerLogin(program: Command, bind: Bind): void {
  examples(
    program
      .command('login')
      .description('Check a server URL and API key and save them (~/.config/switchyard/config.json, mode 0600)')
      .requiredOption('--url <url>', 'the Switchyard server, e.g. https://switchyard.example.com')
      .option('--api-key-stdin', 'read the API key from standard input (else SWITCHYARD_API_KEY)'),
    'printf %s "$KEY" | switchyard login --url https://switchyard.example.com --api-key-stdin',
  ).action(
    bind(async (ctx, _args, options) => {
      const url = normaliseUrl(String(options['url']));
      const fromStdin = options['apiKeyStdin'] === true;
      const apiKey = (fromStdin ? await ctx.io.readStdin() : (ctx.io.env['SWITCHYARD_API_KEY'] ?? '')).trim();
      if (!apiKey) throw usageError('no API key: pipe it in with --api-key-stdin, or set SWITCHYARD_API_KEY');
      const client = createApiClient({ url, apiKey }, ctx.fetchImpl);
      const me = (await unwrap(client.GET('/api/v1/me'), url)).data.data;
      const path = configPath(ctx.io.env);
      writeConfigFile(path, { url, apiKey });
      ctx.out.result({ url, label: me.label, role: me.role, config: path }, () => [
        `Logged in to ${url} as ${me.label} (${me.role}); saved in ${path}`,
      ]);
    }),
  );
}
