// Messages of the freeze workflow, defined once for the workflow and its clients.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Freeze, FreezeRequest } from '../../domain/freeze.js';

/** One freeze workflow per installation, which is its task queue (several may share a namespace). */
export function freezesWorkflowId(taskQueue: string): string {
  return `switchyard-freezes:${taskQueue}`;
}

/** Every freeze not yet over (in force or planned). */
export const freezesQuery = defineQuery<Freeze[]>('freezes');
/** Sets a freeze; refused (validator) when its window is not one. `id` comes from the caller, so a retry sets it once. */
export const setFreezeUpdate = defineUpdate<Freeze, [FreezeRequest & { id: string }]>('setFreeze');
/** Ends a freeze now; refused when there is no such freeze. */
export const liftFreezeUpdate = defineUpdate<Freeze, [{ id: string; by: string }]>('liftFreeze');
