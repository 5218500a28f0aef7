// Named counts that durability tests read to prove a side effect happened exactly once (one push,
// one task definition revision, one deployment per workflow) even across retries and crashes.
export class Counter {
  readonly #counts = new Map<string, number>();

  increment(key: string): number {
    const next = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, next);
    return next;
  }

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  clear(): void {
    this.#counts.clear();
  }

  /** Replaces the counts with saved ones (a restored snapshot). */
  load(counts: Record<string, number>): void {
    this.#counts.clear();
    for (const [key, count] of Object.entries(counts)) this.#counts.set(key, count);
  }
}

export class AwsCounters {
  /** ECR image pushes (PutImage calls and simulated CI pushes), keyed `repository:tag`. */
  readonly ecrPushes = new Counter();
  /** ECS task definition revisions registered, keyed by family. */
  readonly taskDefinitionRevisions = new Counter();
  /** CodeDeploy deployments created, keyed `application/deploymentGroup`. */
  readonly deploymentsCreated = new Counter();
  /** ContinueDeployment calls received, keyed by deployment id (rejected calls count too). */
  readonly continueDeploymentCalls = new Counter();
  /** StopDeployment calls received, keyed by deployment id (rejected calls count too). */
  readonly stopDeploymentCalls = new Counter();
  /** PutLifecycleEventHookExecutionStatus calls received, keyed by hook execution id (repeats count too). */
  readonly hookStatusReports = new Counter();
  /** Of those, the ones that set the hook's status (a repeat is refused: LifecycleEventAlreadyCompletedException). */
  readonly hookStatusAccepted = new Counter();

  /** ECS service deployments started by UpdateService (new task definition), keyed `cluster/service`. */
  readonly serviceDeploymentsStarted = new Counter();
  /** ContinueServiceDeployment calls received, keyed by hook id (rejected calls count too). */
  readonly continueServiceDeploymentCalls = new Counter();

  load(saved: ReturnType<AwsCounters['toJSON']>): void {
    for (const [name, counts] of Object.entries(saved)) this[name as keyof ReturnType<AwsCounters['toJSON']>].load(counts);
  }

  toJSON() {
    return {
      ecrPushes: this.ecrPushes.toJSON(),
      taskDefinitionRevisions: this.taskDefinitionRevisions.toJSON(),
      deploymentsCreated: this.deploymentsCreated.toJSON(),
      continueDeploymentCalls: this.continueDeploymentCalls.toJSON(),
      stopDeploymentCalls: this.stopDeploymentCalls.toJSON(),
      hookStatusReports: this.hookStatusReports.toJSON(),
      hookStatusAccepted: this.hookStatusAccepted.toJSON(),
      serviceDeploymentsStarted: this.serviceDeploymentsStarted.toJSON(),
      continueServiceDeploymentCalls: this.continueServiceDeploymentCalls.toJSON(),
    };
  }
}
