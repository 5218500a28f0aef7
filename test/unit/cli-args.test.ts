// The CLI's argument parsing: every command has --help with an example (exit 0), wrong arguments
// are usage errors (exit 2) that send nothing, and deploy's options become the API's request.
import { describe, expect, it } from 'vitest';
import { freezeEnd, parseDuration } from '../../cli/commands/freeze.js';
import { pickConnections, targetOf } from '../../cli/commands/deploy.js';
import type { Io } from '../../cli/output.js';
import { createProgram } from '../../cli/program.js';

function harness(answers: Record<string, unknown> = {}) {
  let stdout = '';
  let stderr = '';
  const requests: { method: string; path: string; body: unknown }[] = [];
  // Stands in for the network only: answers by path, and records what the CLI sent.
  const fetchStub = (async (request: Request) => {
    const path = new URL(request.url).pathname;
    requests.push({ method: request.method, path, body: request.method === 'GET' ? undefined : await request.json() });
    const answer = answers[`${request.method} ${path}`];
    return answer === undefined ? new Response('{"message":"no"}', { status: 404 }) : Response.json(answer);
  }) as typeof fetch;
  const io: Io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
    },
    env: { SWITCHYARD_URL: 'http://switchyard.test', SWITCHYARD_API_KEY: 'k' },
    readStdin: async () => '',
  };
  const cli = createProgram(io, fetchStub);
  return {
    cli,
    requests,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

type Command = ReturnType<typeof createProgram>['program'];

const leaves = (command: Command): Command[] =>
  command.commands.length === 0 ? [command] : (command.commands as Command[]).flatMap(leaves);

describe('switchyard arguments', () => {
  it('has --help with an example for every command, exit 0', async () => {
    const { cli } = harness();
    const names = leaves(cli.program)
      .filter((c) => c.name() !== 'help')
      .map((c) => [c.parent?.name() === 'switchyard' ? '' : c.parent!.name(), c.name()].filter(Boolean));
    expect(names.map((n) => n.join(' '))).toEqual(
      expect.arrayContaining([
        'login',
        'connect github',
        'connect aws',
        'deploy',
        'watch',
        'status',
        'approve',
        'rollback',
        'freeze set',
        'freeze list',
        'freeze lift',
        'emergency-stop',
        'distribute',
        'retry',
        'cancel',
      ]),
    );
    for (const name of names) {
      const h = harness();
      expect(await h.cli.run([...name, '--help'])).toBe(0);
      expect(h.stdout).toMatch(/Examples?:\n {2}\$ .*switchyard /);
    }
  });

  it('calls wrong arguments usage errors (exit 2) and sends nothing', async () => {
    for (const argv of [
      ['deploy', '--bogus'],
      ['approve'],
      ['status', '--output', 'yaml'],
      ['nonsense'],
      ['freeze', 'set', 'all', '--reason', 'x'],
      ['freeze', 'set', 'all', '--reason', 'x', '--for', 'soon'],
      ['emergency-stop', '--reason', 'x'],
      ['deploy', '--service', 'a/b/c'],
    ]) {
      const h = harness();
      expect(await h.cli.run(argv), argv.join(' ')).toBe(2);
      expect(h.stderr).not.toBe('');
      expect(h.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    }
  });

  it("turns deploy's options into the request, picking the connection by --repo", async () => {
    const h = harness({
      'GET /api/v1/connections': {
        code: 200,
        message: 'ok',
        data: {
          github: [
            { connectionId: 'gh_aaaaaaaaaa', owner: 'o', repo: 'web', branch: 'main' },
            { connectionId: 'gh_bbbbbbbbbb', owner: 'o', repo: 'api', branch: 'release' },
          ],
          aws: [{ connectionId: 'aws_cccccccccc', region: 'us-east-1' }],
        },
      },
      'POST /api/v1/deploy': { code: 200, message: 'ok', data: { deploymentId: 'dep_dddddddddd', message: 'Deployment started.' } },
    });
    expect(await h.cli.run(['deploy', '--service', 'prod/api', '--version', 'abc1234', '--repo', 'o/api', '--no-wait', '-o', 'json'])).toBe(
      0,
    );
    expect(h.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/api/v1/deploy',
      body: {
        githubConnectionId: 'gh_bbbbbbbbbb',
        awsConnectionId: 'aws_cccccccccc',
        owner: 'o',
        repo: 'api',
        branch: 'release',
        version: 'abc1234',
        target: { cluster: 'prod', service: 'api' },
      },
    });
    expect(JSON.parse(h.stdout)).toEqual({ deploymentId: 'dep_dddddddddd', message: 'Deployment started.', queued: false, position: null });
  });

  it('reads services, connections and freeze ends', () => {
    expect(targetOf('prod/api')).toEqual({ cluster: 'prod', service: 'api' });
    expect(targetOf('api')).toEqual({ service: 'api' });
    expect(() => targetOf('/api')).toThrow(/cluster\/service/);
    const all = {
      github: [
        { connectionId: 'gh_1', owner: 'o', repo: 'a', branch: 'main' },
        { connectionId: 'gh_2', owner: 'o', repo: 'b', branch: 'main' },
      ],
      aws: [{ connectionId: 'aws_1', region: 'r' }],
    };
    expect(() => pickConnections(all, {})).toThrow(
      /several GitHub connections; choose one with --repo or --github-connection: gh_1 \(o\/a\), gh_2 \(o\/b\)/,
    );
    expect(pickConnections(all, { github: 'gh_2' }).github.repo).toBe('b');
    expect(() => pickConnections({ github: [], aws: [] }, {})).toThrow(/run switchyard connect github/);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('2 h')).toBe(7_200_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(freezeEnd({ for: '1d' }, new Date('2026-12-07T00:00:00Z'))).toBe('2026-12-08T00:00:00.000Z');
    expect(freezeEnd({ until: '2026-12-24T00:00:00Z' })).toBe('2026-12-24T00:00:00Z');
    expect(() => freezeEnd({ until: 'x', for: '1h' })).toThrow(/not both/);
  });
});
