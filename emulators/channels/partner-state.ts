// In-memory state of one emulated partner channel: drafts by id and by Idempotency-Key, and how
// often each draft was asked to publish. Tests read it to prove a draft was published once.
import { randomUUID } from 'node:crypto';
import { FaultSwitch, readTestValues } from './test-values.js';
import type { TestValues } from './test-values.js';
import type { PartnerChannelType } from '../../domain/channels.js';

export interface PartnerDraft {
  draftId: string;
  idempotencyKey: string;
  /** The request body as received, to tell a replay from a reused key. */
  fingerprint: string;
  eventId: string;
  contentUrl: string | null;
  config: Record<string, unknown>;
  testValues: TestValues;
  createdAt: string;
  /** publish calls that reached this draft, successful or not. */
  publishRequests: number;
  published?: { at: string; result: Record<string, unknown> };
}

export interface NewDraft {
  eventId: string;
  contentUrl: string | null;
  config: Record<string, unknown>;
}

export type DraftCreation = { kind: 'created' | 'replayed'; draft: PartnerDraft } | { kind: 'key-reused' };

export class PartnerEmulatorState {
  readonly faults = new FaultSwitch();
  readonly drafts = new Map<string, PartnerDraft>();
  readonly #byKey = new Map<string, string>();

  constructor(
    readonly channel: PartnerChannelType,
    readonly token: string,
  ) {}

  createDraft(idempotencyKey: string, request: NewDraft): DraftCreation {
    const fingerprint = JSON.stringify(request);
    const existing = this.draftForKey(idempotencyKey);
    if (existing) return existing.fingerprint === fingerprint ? { kind: 'replayed', draft: existing } : { kind: 'key-reused' };
    const draft: PartnerDraft = {
      draftId: `${this.channel.toLowerCase().replace(/_/g, '-')}-draft-${randomUUID()}`,
      idempotencyKey,
      fingerprint,
      ...request,
      testValues: readTestValues(JSON.stringify(request.config)),
      createdAt: new Date().toISOString(),
      publishRequests: 0,
    };
    this.drafts.set(draft.draftId, draft);
    this.#byKey.set(idempotencyKey, draft.draftId);
    return { kind: 'created', draft };
  }

  draftForKey(idempotencyKey: string): PartnerDraft | undefined {
    const id = this.#byKey.get(idempotencyKey);
    return id === undefined ? undefined : this.drafts.get(id);
  }

  /** Successful publishes of the draft made under this Idempotency-Key: 0 or 1. */
  publishCount(idempotencyKey: string): number {
    return this.draftForKey(idempotencyKey)?.published ? 1 : 0;
  }

  /** Publish calls for the draft made under this Idempotency-Key, including refused and failed ones. */
  publishRequests(idempotencyKey: string): number {
    return this.draftForKey(idempotencyKey)?.publishRequests ?? 0;
  }

  summary() {
    return {
      faultsCleared: this.faults.cleared,
      drafts: [...this.drafts.values()].map((d) => ({
        draftId: d.draftId,
        idempotencyKey: d.idempotencyKey,
        status: d.published ? 'PUBLISHED' : 'DRAFT',
        publishRequests: d.publishRequests,
      })),
    };
  }

  reset(): void {
    this.drafts.clear();
    this.#byKey.clear();
    this.faults.restore();
  }
}
