// The deployment's search attributes. Each upsert is a history event of its own, so runs since
// 'merged-search-attributes' hold back what visibility can learn a moment later (the commit, the
// digest, stage 5) and send it with the next change that must be seen at once (a stage, a status,
// the CodeDeploy id the hook route looks up): one event per stage change. Earlier runs upsert
// each attribute at once, as they were recorded.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { DeployStage } from '../../common/search-attributes.js';

export const MERGED_ATTRIBUTES_PATCH = 'merged-search-attributes';

export interface Visibility {
  /** Set once at the start from patched(MERGED_ATTRIBUTES_PATCH). */
  merged: boolean;
  pending: SearchAttributeUpdatePair[];
  /** The DeployStage last upserted (merged runs index the first stage with the start's attributes). */
  indexedStage: number | undefined;
}

export function newVisibility(): Visibility {
  return { merged: false, pending: [], indexedStage: undefined };
}

/** Upserts `pairs` now, with whatever was held back. */
export function index(v: Visibility, pairs: SearchAttributeUpdatePair[]): void {
  const all = [...v.pending.splice(0), ...pairs];
  if (all.length > 0) upsertSearchAttributes(all);
}

/** Held back until the next index() in merged runs; at once in earlier ones. */
export function indexLater(v: Visibility, pair: SearchAttributeUpdatePair): void {
  if (v.merged) v.pending.push(pair);
  else upsertSearchAttributes([pair]);
}

/** The stage a stage's start shows; a merged run's first stage was indexed with the start's attributes. */
export function indexStage(v: Visibility, stage: number, now: boolean): void {
  if (v.merged && v.indexedStage === stage) return;
  v.indexedStage = stage;
  const pair: SearchAttributeUpdatePair = { key: DeployStage, value: stage };
  if (now) index(v, [pair]);
  else indexLater(v, pair);
}
