// A separate process writing to a FileConnectionStore, for the cross-process concurrency test
// (test/connection-store.test.ts). Forked with `node --import tsx` and an IPC channel:
//   connection-store-writer.ts <dataDir> <count> <label>
// It says 'ready' once loaded and waits for 'go' (so every writer starts at the same moment),
// opens the store (racing the others to generate the encryption key), adds <count> connections
// at once, GitHub and AWS alternately, then sends their ids and exits. The public fields name the
// writer and the index, so the test knows each secret: GitHub (owner <label>, repo repo-<i>) has
// token ghp_<label>_<i>; AWS (account <label>-<i>) has secret key secret-<label>-<i>.
import { openConnectionStore } from '../../common/connections/open-connection-store.js';
import type { Connection } from '../../common/connections/connection-store.js';

const [dataDir, countArgument, label] = process.argv.slice(2);
if (!dataDir || !countArgument || !label) throw new Error('usage: connection-store-writer.ts <dataDir> <count> <label>');
const count = Number(countArgument);

await new Promise<void>((resolve) => {
  process.once('message', () => resolve());
  process.send!('ready');
});
const store = openConnectionStore({ dataDir });
const added: Connection[] = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? store.addGitHub({ owner: label, repo: `repo-${i}`, branch: 'main' }, { token: `ghp_${label}_${i}` })
      : store.addAws(
          { region: 'ap-northeast-2', accountId: `${label}-${i}` },
          { accessKeyId: `AKIA${label}${i}`, secretAccessKey: `secret-${label}-${i}` },
        ),
  ),
);
await store.close();
await new Promise<void>((resolve, reject) => {
  process.send!({ ids: added.map((c) => c.id) }, (error: Error | null) => (error ? reject(error) : resolve()));
});
process.disconnect();
