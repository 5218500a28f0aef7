// Plays a dispatched run through GitHub's lifecycle on a timer: queued → in_progress →
// completed. At the end it does what the template workflow's last step does — push the image —
// by calling onImageBuilt (the sandbox wires that to the ECR emulator). If the push throws, the
// run fails, as a failed `docker push` fails the job. The digest it returns is what the template's
// "Report the image digest" step uploads as an artifact name.
import { buildFailure, checkedOutSha, RETAG_AFTER_PUSH_MARKER } from './test-values.js';
import type { WorkflowRun } from './workflow-run.js';

export interface ImageBuiltEvent {
  ecrRepository: string;
  imageTag: string;
  correlationId: string;
  owner: string;
  repo: string;
  sha: string;
}

/** Pushes the image; returns its digest (sha256:…) when the registry told one. */
export type OnImageBuilt = (event: ImageBuiltEvent) => void | string | Promise<void | string>;

export class BuildSimulator {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #closed = false;

  constructor(
    private readonly stepMs: number,
    private readonly onImageBuilt: OnImageBuilt | undefined,
    private readonly onImagePushed: (run: WorkflowRun) => void,
  ) {}

  start(run: WorkflowRun): void {
    this.#schedule(run);
  }

  /** Cancels a run that has not completed; false when it already has. */
  cancel(run: WorkflowRun): boolean {
    if (run.status === 'completed') return false;
    clearTimeout(this.#timers.get(run.id));
    this.#timers.delete(run.id);
    this.#complete(run, 'cancelled', 'cancelled by request');
    return true;
  }

  /** Stops every timer; runs in flight stay where they are. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(run: WorkflowRun): void {
    if (this.#closed) return;
    this.#timers.set(
      run.id,
      setTimeout(() => {
        this.#timers.delete(run.id);
        void this.#step(run);
      }, this.stepMs),
    );
  }

  async #step(run: WorkflowRun): Promise<void> {
    if (isCompleted(run)) return;
    run.stepsDone += 1;
    if (run.status === 'queued') {
      run.status = 'in_progress';
      run.runStartedAt = run.updatedAt = new Date().toISOString();
    }
    if (run.stepsDone < run.totalSteps) return this.#schedule(run);

    const failure = buildFailure(run);
    if (failure) return this.#complete(run, 'failure', failure);
    const event: ImageBuiltEvent = {
      ecrRepository: run.inputs.ecr_repository!,
      imageTag: run.inputs.image_tag!,
      correlationId: run.inputs.correlation_id ?? '',
      owner: run.repository.owner,
      repo: run.repository.name,
      sha: checkedOutSha(run),
    };
    try {
      const digest = await this.onImageBuilt?.(event);
      if (typeof digest === 'string') run.imageDigest = digest;
    } catch (err) {
      return this.#complete(run, 'failure', `docker push failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    run.image = `${event.ecrRepository}:${event.imageTag}`;
    // Test value: someone else pushes other content to the same tag right after the build. A
    // mutable repository moves the tag; an immutable one refuses that push (not the build's).
    if (event.imageTag.includes(RETAG_AFTER_PUSH_MARKER)) {
      try {
        await this.onImageBuilt?.(event);
      } catch {
        // refused: the tag is immutable
      }
    }
    this.onImagePushed(run);
    // A cancel that arrived while the push was under way wins, as on GitHub; the image exists anyway.
    if (!isCompleted(run)) this.#complete(run, 'success');
  }

  #complete(run: WorkflowRun, conclusion: 'success' | 'failure' | 'cancelled', reason?: string): void {
    run.status = 'completed';
    run.conclusion = conclusion;
    run.updatedAt = new Date().toISOString();
    if (reason) run.failureReason = reason;
  }
}

/** A function, not an inline check, so TypeScript does not keep a narrowing from before an await. */
function isCompleted(run: WorkflowRun): boolean {
  return run.status === 'completed';
}
