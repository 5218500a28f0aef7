// Tiny workflows for the cluster smoke test (test/cluster/cluster-smoke.test.ts).
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface SmokeActivities {
  shout(text: string): Promise<string>;
}

const { shout } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '30 seconds' });

export const finishSignal = defineSignal<[string]>('finish');
export const addUpdate = defineUpdate<number, [number]>('add');

/** A workflow task and an activity task: both must be dispatched to the worker. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${await shout(name)}!`;
}

/** Waits for the `finish` signal and returns its value. */
export async function waitForFinish(): Promise<string> {
  let value: string | undefined;
  setHandler(finishSignal, (v) => {
    value = v;
  });
  await condition(() => value !== undefined);
  return value!;
}

/** Adds what each `add` update brings; returns the total once `finish` arrives. */
export async function counter(): Promise<number> {
  let total = 0;
  let done = false;
  setHandler(addUpdate, (n) => {
    total += n;
    return total;
  });
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
  return total;
}
