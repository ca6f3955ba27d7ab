import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, runHerd, startHerd, waitFor } from './support/herd-cli.js';
import { postgresUnavailable, startPostgres, type PostgresServer } from './support/postgres-server.js';

/**
 * PostgreSQL is chosen by one configuration key (`store.type: postgres` with its url): the same
 * commands and the local API then work on it, and two API processes on one database serve the
 * same decisions (what a scaled-out deployment does).
 */
const unavailable = postgresUnavailable();
if (unavailable) {
  console.warn(unavailable);
  describe('herd on PostgreSQL', () => {
    it.skip(unavailable, () => {});
  });
} else {
  let server: PostgresServer;
  let dir: string;
  const apis: ReturnType<typeof startHerd>[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'herd-pg-cli-'));
    const url = await server.createDatabase();
    writeFileSync(
      join(dir, 'herd.yaml'),
      `data_dir: data
store:
  type: postgres
  url: ${url}
api:
  server:
    jwt_secret: a-shared-secret-for-every-api-instance-0123456789
`,
    );
  }, 120_000);

  afterAll(async () => {
    for (const a of apis) {
      if (a.exitCode === null) {
        a.kill('SIGTERM');
        await exited(a);
      }
    }
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const herd = (args: string[]) => runHerd([...args, '--config', join(dir, 'herd.yaml')], { cwd: dir });

  async function startApi(): Promise<string> {
    const api = startHerd(['start', '--no-acquisition', '--listen', '127.0.0.1:0', '--config', join(dir, 'herd.yaml')], { cwd: dir });
    apis.push(api);
    await waitFor(() => /local API listening on http:\/\/\S+/.test(api.output()) || api.exitCode !== null, 'the local API', 60_000);
    const url = /local API listening on (http:\/\/\S+)/.exec(api.output())?.[1];
    expect(url, api.output()).toBeDefined();
    return url!;
  }

  describe('herd on PostgreSQL', () => {
    it('stores decisions and bouncers there, and two API processes on the database serve the same decisions', async () => {
      const add = await herd(['decisions', 'add', '--ip', '198.51.100.9', '--duration', '2h', '--reason', 'pg test']);
      expect(add.code, add.stderr).toBe(0);
      const list = JSON.parse((await herd(['decisions', 'list', '--json'])).stdout) as { value: string; scenario: string }[];
      expect(list).toEqual([expect.objectContaining({ value: '198.51.100.9', scenario: 'pg test' })]);

      const key = (await herd(['bouncers', 'add', 'edge', '-o', 'raw'])).stdout.trim();
      const [a, b] = [await startApi(), await startApi()];
      for (const url of [a, b]) {
        const res = await fetch(`${url}/v1/decisions?ip=198.51.100.9`, { headers: { 'X-Api-Key': key } });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual([expect.objectContaining({ value: '198.51.100.9', type: 'ban' })]);
      }

      // A decision deleted through one process disappears from the other one's answers.
      expect((await herd(['decisions', 'delete', '--ip', '198.51.100.9'])).code).toBe(0);
      for (const url of [a, b]) {
        await waitFor(
          async () => (await (await fetch(`${url}/v1/decisions?ip=198.51.100.9`, { headers: { 'X-Api-Key': key } })).text()) === 'null',
          'the deletion to reach every API process',
          10_000,
        );
      }
    }, 180_000);
  });
}
