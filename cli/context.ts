// What every command runs with: its input and output, the output format, and (on first use) the
// settings and the typed client. Commands that need no server (login's parsing, --help) never
// read the config file.
import { createApiClient, type ApiClient } from './client.js';
import { isTooOpen, resolveConfig, type CliConfig } from './config.js';
import { Output, type Format, type Io } from './output.js';

export class CommandContext {
  readonly out: Output;
  private resolved?: CliConfig & { path: string };
  private client?: ApiClient;

  constructor(
    readonly io: Io,
    format: Format,
    readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.out = new Output(io, format);
  }

  get config(): CliConfig {
    if (!this.resolved) {
      this.resolved = resolveConfig(this.io.env);
      if (!this.io.env['SWITCHYARD_API_KEY'] && isTooOpen(this.resolved.path)) {
        this.out.note(`warning: ${this.resolved.path} may be read by others; chmod 600 it`);
      }
    }
    return this.resolved;
  }

  get api(): ApiClient {
    this.client ??= createApiClient(this.config, this.fetchImpl);
    return this.client;
  }

  get url(): string {
    return this.config.url;
  }
}
