// A workflow run as the emulator keeps it; serializers.ts turns it into GitHub's JSON.
import type { EmulatedRepository } from './repository.js';

export type RunStatus = 'queued' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'cancelled';

export interface WorkflowRun {
  id: number;
  runNumber: number;
  repository: EmulatedRepository;
  workflowId: number;
  workflowName: string;
  workflowPath: string;
  /** The rendered run-name (or the workflow name when the file has none). */
  displayTitle: string;
  event: 'workflow_dispatch';
  /** The dispatched branch or tag name. */
  headBranch: string;
  headSha: string;
  inputs: Record<string, string>;
  actor: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  stepsDone: number;
  totalSteps: number;
  /** Why it failed (what the job log would say); not part of GitHub's run JSON. */
  failureReason?: string;
  /** The image reference pushed on success. */
  image?: string;
  /** The pushed image's digest, reported as the artifact `switchyard-image-sha256-<hex>`. */
  imageDigest?: string;
}
