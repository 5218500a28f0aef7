// Everything the GitHub emulator knows: accepted tokens, repositories, workflow runs, and the
// durability counters tests assert on ("exactly one build per deployment").
import { BuildSimulator } from './build-simulator.js';
import type { OnImageBuilt } from './build-simulator.js';
import { stableNumericId } from './git-objects.js';
import { RateLimits, type RateLimitOptions } from './rate-limits.js';
import { EmulatedRepository } from './repository.js';
import type { RepositoryInit } from './repository.js';
import { readWorkflowFile } from './workflow-file.js';
import type { WorkflowFile } from './workflow-file.js';
import type { WorkflowRun } from './workflow-run.js';

export interface GitHubEmulatorOptions {
  /** Tokens the emulator accepts; any other gets 401 Bad credentials. */
  tokens: string[];
  /**
   * Accepted tokens that may read but not write (a fine-grained token without the Actions write
   * permission): dispatching or cancelling a run answers 403, as on GitHub.
   */
  readOnlyTokens?: string[];
  /** Time per simulated build step (default 500 ms). */
  stepMs?: number;
  /** Called when a simulated build pushes its image; throwing fails the run. */
  onImageBuilt?: OnImageBuilt;
  /** Where html_url links point (default https://github.com). */
  htmlUrl?: string;
  /** The primary rate limit per token (default 5,000 an hour, a user's token). */
  rateLimit?: RateLimitOptions;
}

export interface Workflow {
  id: number;
  path: string;
  name: string;
  file: WorkflowFile;
  state: 'active' | 'disabled_manually';
}

export const WORKFLOWS_FOLDER = '.github/workflows';

export class GitHubEmulatorState {
  readonly tokens: readonly string[];
  readonly readOnlyTokens: readonly string[];
  readonly htmlUrl: string;
  readonly rateLimits: RateLimits;
  readonly runs: WorkflowRun[] = [];
  /** correlation_id input → number of accepted workflow dispatches carrying it. */
  readonly dispatchesByCorrelationId = new Map<string, number>();
  /** correlation_id input → number of images pushed by runs carrying it. */
  readonly imagesBuiltByCorrelationId = new Map<string, number>();
  readonly builds: BuildSimulator;
  readonly #repos = new Map<string, EmulatedRepository>();
  /** Workflow ids disabled in the Actions tab (state `disabled_manually`). */
  readonly #disabledWorkflows = new Set<number>();
  #nextRunId = 7_000_000_001;

  constructor(options: GitHubEmulatorOptions) {
    this.tokens = [...options.tokens];
    this.readOnlyTokens = [...(options.readOnlyTokens ?? [])];
    this.htmlUrl = options.htmlUrl ?? 'https://github.com';
    this.rateLimits = new RateLimits(options.rateLimit);
    this.builds = new BuildSimulator(options.stepMs ?? 500, options.onImageBuilt, (run) => {
      const id = run.inputs.correlation_id;
      if (id !== undefined) this.imagesBuiltByCorrelationId.set(id, (this.imagesBuiltByCorrelationId.get(id) ?? 0) + 1);
    });
  }

  isAcceptedToken(token: string): boolean {
    return this.tokens.includes(token) || this.readOnlyTokens.includes(token);
  }

  /** Whether the token may write to Actions (dispatch, cancel). */
  canWriteActions(token: string): boolean {
    return this.tokens.includes(token);
  }

  /** The user a token belongs to (the run's actor, GET /user). */
  loginFor(token: string | undefined): string {
    const index = token === undefined ? -1 : this.tokens.indexOf(token);
    if (index >= 0) return `switchyard-sandbox-user-${index + 1}`;
    const readOnly = token === undefined ? -1 : this.readOnlyTokens.indexOf(token);
    return readOnly < 0 ? 'anonymous' : `switchyard-sandbox-reader-${readOnly + 1}`;
  }

  addRepository(init: RepositoryInit): EmulatedRepository {
    const repo = new EmulatedRepository(init);
    this.#repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  /** GitHub matches owner and repository names case-insensitively. */
  repository(owner: string, name: string): EmulatedRepository | undefined {
    return this.#repos.get(`${owner}/${name}`.toLowerCase());
  }

  repositories(): EmulatedRepository[] {
    return [...this.#repos.values()];
  }

  /** Workflows are registered from the default branch, as on GitHub. */
  workflows(repo: EmulatedRepository): Workflow[] {
    const head = repo.branches.get(repo.defaultBranch);
    if (!head) return [];
    return (repo.listFolder(head.sha, WORKFLOWS_FOLDER) ?? [])
      .filter((entry) => entry.type === 'file' && /\.ya?ml$/.test(entry.name))
      .map((entry) => {
        const file = readWorkflowFile(repo.file(head.sha, entry.path)!.content.toString('utf8'));
        const id = stableNumericId(`workflow:${repo.fullName.toLowerCase()}:${entry.path}`);
        return {
          id,
          path: entry.path,
          name: file.name ?? entry.path,
          file,
          state: this.#disabledWorkflows.has(id) ? ('disabled_manually' as const) : ('active' as const),
        };
      });
  }

  /** Disables (or enables again) a workflow, as "Disable workflow" in the Actions tab does. */
  setWorkflowDisabled(repo: EmulatedRepository, workflowId: string, disabled: boolean): void {
    const workflow = this.workflow(repo, workflowId);
    if (!workflow) throw new Error(`${repo.fullName}: no workflow ${workflowId}`);
    if (disabled) this.#disabledWorkflows.add(workflow.id);
    else this.#disabledWorkflows.delete(workflow.id);
  }

  /** By numeric id or by file name (`switchyard-build.yml`), like the REST API's workflow_id. */
  workflow(repo: EmulatedRepository, workflowId: string): Workflow | undefined {
    return this.workflows(repo).find(
      (w) => String(w.id) === workflowId || w.path === `${WORKFLOWS_FOLDER}/${workflowId}` || w.path === workflowId,
    );
  }

  newRunId(): number {
    return this.#nextRunId++;
  }

  recordDispatch(run: WorkflowRun): void {
    this.runs.push(run);
    const id = run.inputs.correlation_id;
    if (id !== undefined) this.dispatchesByCorrelationId.set(id, (this.dispatchesByCorrelationId.get(id) ?? 0) + 1);
  }

  dispatchCount(correlationId: string): number {
    return this.dispatchesByCorrelationId.get(correlationId) ?? 0;
  }

  imagesBuiltCount(correlationId: string): number {
    return this.imagesBuiltByCorrelationId.get(correlationId) ?? 0;
  }

  close(): void {
    this.builds.close();
  }

  /** The human-readable summary behind GET /_emulator/github/state. */
  summary() {
    return {
      repositories: this.repositories().map((repo) => ({
        fullName: repo.fullName,
        private: repo.private,
        defaultBranch: repo.defaultBranch,
        branches: Object.fromEntries([...repo.branches].map(([name, b]) => [name, b.sha])),
        tags: Object.fromEntries(repo.tags),
        workflows: this.workflows(repo).map((w) => ({
          id: w.id,
          path: w.path,
          name: w.name,
          state: w.state,
          dispatchable: w.file.dispatchable,
        })),
      })),
      runs: this.runs.map((run) => ({
        id: run.id,
        repository: run.repository.fullName,
        displayTitle: run.displayTitle,
        headBranch: run.headBranch,
        headSha: run.headSha,
        status: run.status,
        conclusion: run.conclusion,
        inputs: run.inputs,
        step: `${run.stepsDone}/${run.totalSteps}`,
        ...(run.image ? { image: run.image } : {}),
        ...(run.failureReason ? { failureReason: run.failureReason } : {}),
      })),
      dispatchesByCorrelationId: Object.fromEntries(this.dispatchesByCorrelationId),
      imagesBuiltByCorrelationId: Object.fromEntries(this.imagesBuiltByCorrelationId),
    };
  }
}
