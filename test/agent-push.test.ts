import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { seqLine, writeSeqContent } from './support/seq-content.js';
import { exited, runHerd, startHerd, waitFor } from './support/herd-cli.js';

/**
 * `herd agent` and `herd start` as separate processes, as on two hosts: the agent follows a log
 * and pushes its alerts as a machine; the API's profiles turn them into decisions its bouncers
 * get. Every line gives exactly one alert at the API, while the API is stopped for a while and
 * while the agent is killed with SIGKILL in the middle of a burst.
 */
let dir: string;
let port: number;
let api: ReturnType<typeof startHerd> | null = null;
let agent: ReturnType<typeof startHerd> | null = null;


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function withStore<T>(path: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ type: 'sqlite', path }, { clock: systemClock });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The sequence numbers of the alerts the API stored, one entry per alert. */
async function seqsAtApi(): Promise<string[]> {
  try {
    return await withStore(join(dir, 'api/herd.db'), async (s) =>
      (await s.listAlerts({})).map((a) => a.events[0]?.meta.find((m) => m.key === 'seq')?.value ?? '?'),
    );
  } catch {
    return [];
  }
}

async function startApi(): Promise<void> {
  api = startHerd(['start', '--no-acquisition', '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'api')], { cwd: dir });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, 'the API', 60_000);
}

async function stopApi(): Promise<void> {
  api!.kill('SIGTERM');
  expect(await exited(api!)).toBe(0);
  api = null;
}

function startAgent(): ReturnType<typeof startHerd> {
  agent = startHerd(['agent', '--config', join(dir, 'agent.yaml')], { cwd: dir });
  return agent;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herd-agent-'));
  port = await freePort();
  writeSeqContent(dir, { remediation: true });
  mkdirSync(join(dir, 'logs'));
  writeFileSync(
    join(dir, 'agent.yaml'),
    `data_dir: agent
content:
  dirs: [content]
acquisition:
  - source: file
    filenames: [${join(dir, 'logs/app.log')}]
    labels:
      type: seqtest
    start_at: beginning
    poll_interval: 50ms
api:
  client:
    credentials_file: agent-credentials.yaml
`,
  );
  writeFileSync(join(dir, 'logs/app.log'), '');
  await startApi();
  const add = await runHerd(['machines', 'add', 'agent-1', '-f', join(dir, 'agent-credentials.yaml'), '--url', `http://127.0.0.1:${port}/`, '--data-dir', join(dir, 'api')], { cwd: dir });
  expect(add.code, add.stderr).toBe(0);
}, 90_000);

afterAll(async () => {
  for (const p of [agent, api]) {
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await exited(p);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('herd agent pushing to a herd local API in another process', () => {
  it('delivers every alert exactly once across an API outage and a kill -9 of the agent, and bouncers get the decisions', async () => {
    let written = 0;
    const write = (count: number) => {
      let chunk = '';
      for (let i = 0; i < count; i++) chunk += seqLine(++written);
      appendFileSync(join(dir, 'logs/app.log'), chunk);
    };

    startAgent();
    await waitFor(() => agent!.output().includes('pushing alerts to') || agent!.exitCode !== null, 'the agent to start', 60_000);
    expect(agent!.exitCode, agent!.output()).toBeNull();
    write(300);
    await waitFor(async () => (await seqsAtApi()).length === 300, '300 alerts at the API', 60_000);

    // The API's profiles made the decisions; a bouncer of that API gets them.
    const key = (await runHerd(['bouncers', 'add', 'fw', '-o', 'raw', '--data-dir', join(dir, 'api')], { cwd: dir })).stdout.trim();
    const answer = await fetch(`http://127.0.0.1:${port}/v1/decisions?ip=203.0.113.8`, { headers: { 'X-Api-Key': key } });
    expect(await answer.json()).toEqual([expect.objectContaining({ value: '203.0.113.8', type: 'ban', scenario: 'test/one-alert-per-line' })]);
    const machines = JSON.parse((await runHerd(['machines', 'list', '--json', '--data-dir', join(dir, 'api')], { cwd: dir })).stdout) as { machine_id: string; last_push: string }[];
    expect(machines).toEqual([expect.objectContaining({ machine_id: 'agent-1', last_push: expect.stringMatching(/^20/) })]);

    // The API is down: the agent keeps working and its alerts wait in its outbox.
    await stopApi();
    write(300);
    await waitFor(
      async () => (await withStore(join(dir, 'agent/herd.db'), (s) => s.countAlertsToForward()).catch(() => 0)) === 300,
      'the outbox to hold the 300 new alerts',
      60_000,
    );
    await startApi();
    await waitFor(async () => (await seqsAtApi()).length === 600, 'the waiting alerts to arrive', 90_000);

    // kill -9 in the middle of a burst, then a restart: nothing lost, nothing twice.
    write(3000);
    await waitFor(async () => (await seqsAtApi()).length > 700, 'part of the burst to arrive', 60_000);
    agent!.kill('SIGKILL');
    await exited(agent!);
    // The kill did land in the middle: part of the burst is still to come.
    expect((await seqsAtApi()).length).toBeLessThan(3600);
    startAgent();
    await waitFor(async () => (await seqsAtApi()).length >= 3600, 'the whole burst to arrive', 120_000);
    // Whatever the agent might still (wrongly) send would show now.
    await new Promise((r) => setTimeout(r, 1500));
    const seqs = await seqsAtApi();
    expect(seqs.length).toBe(3600);
    expect(new Set(seqs).size).toBe(3600);
    expect(seqs.includes('?')).toBe(false);

    agent!.kill('SIGTERM');
    expect(await exited(agent!)).toBe(0);
    expect(agent!.output()).toMatch(/agent stopped; \d+ alert\(s\) pushed/);
  }, 300_000);

  it('herd lapi register writes the credentials the agent reads by default; they work once the API validates the machine', async () => {
    const reg = join(dir, 'reg');
    const r = await runHerd(['lapi', 'register', '--url', `http://127.0.0.1:${port}/`, '--machine', 'agent-2', '--data-dir', reg], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('herd machines validate agent-2');
    expect(statSync(join(reg, 'local_api_credentials.yaml')).mode & 0o077).toBe(0);
    const before = await runHerd(['lapi', 'status', '--data-dir', reg], { cwd: dir });
    expect(before.code).toBe(1);
    expect(before.stderr).toContain("refused machine 'agent-2'");
    expect((await runHerd(['machines', 'validate', 'agent-2', '--data-dir', join(dir, 'api')], { cwd: dir })).code).toBe(0);
    const after = await runHerd(['lapi', 'status', '--data-dir', reg], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain("as 'agent-2'");
  });

  it('refuses to start without credentials, naming the keys to set', async () => {
    writeFileSync(join(dir, 'bare.yaml'), `data_dir: bare\nacquisition:\n  - source: file\n    filenames: [${join(dir, 'logs/app.log')}]\n    labels:\n      type: seqtest\n`);
    const r = await runHerd(['agent', '--config', join(dir, 'bare.yaml')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('api.client.url, login, password is missing');
    expect(r.stderr).toContain('herd machines add');
  });

  it('exits with an error when the API refuses its credentials', async () => {
    writeFileSync(join(dir, 'wrong.yaml'), `url: http://127.0.0.1:${port}/\nlogin: agent-1\npassword: not-the-password\n`);
    const r = await runHerd(['agent', '--config', join(dir, 'agent.yaml'), '--credentials', join(dir, 'wrong.yaml'), '--data-dir', join(dir, 'wrong')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused machine 'agent-1'");
  });
});
