// The Lambda functions CodeDeploy can invoke as lifecycle hooks. An AppSpec names a function the
// way Lambda's Invoke accepts it (a name, `name:qualifier`, a partial ARN `123456789012:function:name`
// or a full ARN); CodeDeploy invokes it asynchronously, so its result and its errors never reach
// the deployment: only PutLifecycleEventHookExecutionStatus does. A name no function answers to
// is what Lambda calls ResourceNotFoundException, and CodeDeploy fails the lifecycle event.
import type { LifecycleHookEvent } from './codedeploy-model.js';
import type { EcsHookPayload } from './ecs-deployment-model.js';

/** A stand-in for a function's code, called with the event CodeDeploy sends. */
export type LambdaHandler = (event: LifecycleHookEvent) => unknown;
/** A function an ECS lifecycle hook names, called with ECS's payload; it returns `{ hookStatus }`. */
export type EcsLambdaHandler = (event: EcsHookPayload) => unknown;
type AnyHandler = (event: LifecycleHookEvent | EcsHookPayload) => unknown;

/** A synchronous (RequestResponse) invocation: the function's result, or why it failed. */
export type SyncInvocation = { invoked: true; result: unknown } | { invoked: true; error: string } | { invoked: false; reason: string };

/** Lambda's FunctionName pattern (Invoke), with the name and qualifier captured. */
const FUNCTION_IDENTIFIER =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export type Invocation = { invoked: true; arn: string } | { invoked: false; reason: string };

type Resolution = { found: true; name: string; arn: string; handler: AnyHandler } | { found: false; reason: string };

export class LambdaFunctions {
  readonly #functions = new Map<string, AnyHandler>();
  /** Invocations per function name, so tests can see which hooks CodeDeploy actually ran. */
  readonly invocations = new Map<string, number>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /**
   * Asynchronous invocations that were in flight when a sandbox stopped, waiting for the code of
   * their function to be registered again after the restore (Lambda retries such invocations).
   */
  readonly #awaitingCode = new Map<string, (() => void)[]>();

  /** Creates (or replaces the code of) the function `name` in the emulator's region and account. */
  register(name: string, handler: LambdaHandler): string;
  register(name: string, handler: EcsLambdaHandler): string;
  register(name: string, handler: LambdaHandler | EcsLambdaHandler): string {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new Error(`Invalid Lambda function name: ${name}`);
    this.#functions.set(name, handler as AnyHandler);
    const waiting = this.#awaitingCode.get(name) ?? [];
    this.#awaitingCode.delete(name);
    for (const retry of waiting) retry();
    return this.arnOf(name);
  }

  /** Retries an invocation lost with its process: now if the function is there, else once it is registered. */
  retryAsync(identifier: string, event: LifecycleHookEvent): void {
    const retry = () => {
      this.invokeAsync(identifier, event);
    };
    const name = FUNCTION_IDENTIFIER.exec(identifier)?.[4];
    if (!name || this.#functions.has(name)) {
      retry();
      return;
    }
    this.#awaitingCode.set(name, [...(this.#awaitingCode.get(name) ?? []), retry]);
  }

  remove(name: string): void {
    this.#functions.delete(name);
  }

  arnOf(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /**
   * Invokes the function an AppSpec names like InvocationType Event: returns at once, and the
   * function's own outcome (a throw, a result) stays its own. Says why when no function answers.
   */
  invokeAsync(identifier: string, event: LifecycleHookEvent): Invocation {
    const resolution = this.#resolve(identifier);
    if (!resolution.found) return { invoked: false, reason: resolution.reason };
    const { name, arn, handler } = resolution;
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    setImmediate(() => {
      void Promise.resolve()
        .then(() => handler(event))
        .catch(() => undefined);
    });
    return { invoked: true, arn };
  }

  /** Invokes like InvocationType RequestResponse, as ECS does for its lifecycle hooks. */
  async invoke(identifier: string, payload: EcsHookPayload): Promise<SyncInvocation> {
    const resolution = this.#resolve(identifier);
    if (!resolution.found) return { invoked: false, reason: resolution.reason };
    this.invocations.set(resolution.name, (this.invocations.get(resolution.name) ?? 0) + 1);
    try {
      return { invoked: true, result: await resolution.handler(structuredClone(payload)) };
    } catch (error) {
      return { invoked: true, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Finds the function as Lambda's Invoke would, or says why there is none. */
  #resolve(identifier: string): Resolution {
    const match = FUNCTION_IDENTIFIER.exec(identifier);
    if (!match || identifier.length > 170)
      return { found: false, reason: `InvalidParameterValueException: ${identifier} is not a valid function name or ARN` };
    const [, region, arnAccount, partialAccount, name, qualifier] = match;
    const account = arnAccount ?? partialAccount;
    const handler = this.#functions.get(name!);
    // A function lives in one region and account: an ARN pointing elsewhere names another function.
    if ((region && region !== this.region) || (account && account !== this.accountId) || !handler) {
      return {
        found: false,
        reason: `ResourceNotFoundException: Function not found: ${region || account ? identifier : this.arnOf(name!)}`,
      };
    }
    if (qualifier && qualifier !== '$LATEST') {
      return { found: false, reason: `ResourceNotFoundException: Function not found: ${this.arnOf(name!)}:${qualifier}` };
    }
    return { found: true, name: name!, arn: this.arnOf(name!), handler };
  }

  summary() {
    return { functions: [...this.#functions.keys()], invocations: Object.fromEntries(this.invocations) };
  }
}
