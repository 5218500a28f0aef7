// Preloaded (`--import`) into the API and worker processes the bench starts, so the bench can ask
// them, over the IPC channel, for their own memory after a full GC. Reading RSS from outside
// (/proc) would work too, but only the process itself can run a GC before it is measured, and a
// figure taken without one mostly measures when V8 last collected.
// Plain JavaScript: Node also preloads it into the worker's workflow thread, where tsx's loader
// is not registered yet when `--import`s run; it does nothing there (no IPC channel).
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { isMainThread } from 'node:worker_threads';

const collect = globalThis.gc;

if (isMainThread && process.send) {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.on('message', (message) => {
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    const stalledMs = loopDelay.max / 1e6;
    if (message.gc) {
      if (!collect) throw new Error('bench probe: start the process with --expose-gc');
      // Twice: the first pass runs finalizers (WeakRefs, FinalizationRegistry) whose targets the second frees.
      collect();
      collect();
    }
    const usage = process.memoryUsage();
    const resources = {};
    for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
    // The GC just run stalls the loop too; the monitor notes that on its next tick, before this
    // reset, so the next report counts only what happened after this one.
    setTimeout(() => loopDelay.reset(), 50);
    process.send({
      id: message.id,
      report: {
        rss: usage.rss,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        arrayBuffers: usage.arrayBuffers,
        nativeContexts: getHeapStatistics().number_of_native_contexts,
        resources,
        // Read before this request's own GC, which would count as a stall otherwise.
        loopDelayMaxMs: stalledMs,
        ...(message.heapSnapshot ? { heapSnapshot: writeHeapSnapshot(message.heapSnapshot) } : {}),
      },
    });
  });
  // The IPC channel must not keep a process alive that would otherwise exit.
  process.channel?.unref();
}
