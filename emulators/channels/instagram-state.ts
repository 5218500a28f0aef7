// In-memory state of the emulated Instagram Graph API: media containers, published media and the
// account's 24-hour publishing quota. Tests read it to prove a container was published once.
import { randomInt } from 'node:crypto';
import { FaultSwitch, readTestValues } from './test-values.js';
import type { TestValues } from './test-values.js';

export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

export interface MediaContainer {
  id: string;
  imageUrl: string;
  caption: string;
  createdAt: number;
  /** When processing ends (FINISHED, or ERROR/EXPIRED for those test values). */
  readyAt: number;
  testValues: TestValues;
  /** media_publish calls that reached this container, successful or not. */
  publishRequests: number;
  mediaId?: string;
}

export interface PublishedMedia {
  id: string;
  containerId: string;
  shortcode: string;
  caption: string;
  imageUrl: string;
  timestamp: string;
}

export interface InstagramEmulatorOptions {
  igUserId: string;
  accessToken: string;
  /** Graph's limit is 50 API-published posts per 24 hours. */
  quotaTotal?: number;
  /** Processing time of a container when the request names none. */
  processingMs?: number;
  /** Answer the non-Graph `media_id` field on containers (default true); false behaves like real Graph. */
  mediaIdExtension?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class InstagramEmulatorState {
  readonly faults = new FaultSwitch();
  readonly igUserId: string;
  readonly accessToken: string;
  readonly quotaTotal: number;
  readonly processingMs: number;
  readonly mediaIdExtension: boolean;
  readonly containers = new Map<string, MediaContainer>();
  readonly media = new Map<string, PublishedMedia>();
  #publishTimes: number[] = [];

  constructor(options: InstagramEmulatorOptions) {
    this.igUserId = options.igUserId;
    this.accessToken = options.accessToken;
    this.quotaTotal = options.quotaTotal ?? 50;
    this.processingMs = options.processingMs ?? 0;
    this.mediaIdExtension = options.mediaIdExtension ?? true;
  }

  createContainer(imageUrl: string, caption: string, processingMs = this.processingMs): MediaContainer {
    const now = Date.now();
    const container: MediaContainer = {
      id: graphId(),
      imageUrl,
      caption,
      createdAt: now,
      readyAt: now + processingMs,
      testValues: readTestValues(caption),
      publishRequests: 0,
    };
    this.containers.set(container.id, container);
    return container;
  }

  statusOf(container: MediaContainer, now = Date.now()): ContainerStatusCode {
    if (container.mediaId) return 'PUBLISHED';
    if (now < container.readyAt) return 'IN_PROGRESS';
    if (container.testValues.containerError && !this.faults.cleared) return 'ERROR';
    // Graph expires containers that are not published within 24 hours.
    if ((container.testValues.containerExpired && !this.faults.cleared) || now - container.createdAt > DAY_MS) return 'EXPIRED';
    return 'FINISHED';
  }

  quotaUsage(now = Date.now()): number {
    this.#publishTimes = this.#publishTimes.filter((at) => now - at < DAY_MS);
    return this.#publishTimes.length;
  }

  /** Counts posts made outside this emulator's API (e.g. by other tools) against the quota. */
  consumeQuota(posts: number): void {
    this.#publishTimes.push(...Array.from({ length: posts }, () => Date.now()));
  }

  publish(container: MediaContainer): PublishedMedia {
    const media: PublishedMedia = {
      id: graphId(),
      containerId: container.id,
      shortcode: shortcode(),
      caption: container.caption,
      imageUrl: container.imageUrl,
      timestamp: new Date().toISOString(),
    };
    this.media.set(media.id, media);
    container.mediaId = media.id;
    this.#publishTimes.push(Date.now());
    return media;
  }

  /** Media created from this container: 1 after a publish, never more. */
  publishCount(containerId: string): number {
    return [...this.media.values()].filter((m) => m.containerId === containerId).length;
  }

  /** media_publish calls for this container, including refused and failed ones. */
  publishRequests(containerId: string): number {
    return this.containers.get(containerId)?.publishRequests ?? 0;
  }

  summary() {
    return {
      igUserId: this.igUserId,
      faultsCleared: this.faults.cleared,
      quota: { usage: this.quotaUsage(), total: this.quotaTotal },
      containers: [...this.containers.values()].map((c) => ({
        id: c.id,
        status: this.statusOf(c),
        publishRequests: c.publishRequests,
        published: this.publishCount(c.id),
      })),
    };
  }

  reset(): void {
    this.containers.clear();
    this.media.clear();
    this.#publishTimes = [];
    this.faults.restore();
  }
}

// Graph ids are long decimal strings.
function graphId(): string {
  return `179${String(randomInt(1e9, 1e10))}${String(randomInt(1e4, 1e5))}`;
}

function shortcode(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return Array.from({ length: 11 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
