// The GitHub REST emulator's public surface (see server.ts for starting it, seed.ts for the
// sandbox repositories, test-values.ts for the values that steer simulated builds).
export { createGitHubApp } from './app.js';
export { createGitHubControlApp } from './control-app.js';
export type { ImageBuiltEvent, OnImageBuilt } from './build-simulator.js';
export { BUILD_WORKFLOW_FILE, BUILD_WORKFLOW_PATH, SANDBOX_OWNER, SANDBOX_REPOS, buildWorkflowTemplate, seedSandboxRepos } from './seed.js';
export type { SandboxRepositories, SeedOptions } from './seed.js';
export { startGitHubEmulator } from './server.js';
export type { RunningGitHubEmulator, StartGitHubEmulatorOptions } from './server.js';
export { GitHubEmulatorState } from './state.js';
export type { GitHubEmulatorOptions, Workflow } from './state.js';
export { FAIL_BUILD_REF, NORMAL_BUILD_STEPS, SLOW_BUILD_MARKER, SLOW_BUILD_STEPS } from './test-values.js';
export type { WorkflowRun } from './workflow-run.js';
