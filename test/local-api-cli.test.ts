import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCredentials } from '../src/agent/index.js';
import { exited, runHerd, startHerd, waitFor } from './support/herd-cli.js';

/**
 * The interfaces others script against, like cscli: `herd start --listen … --no-acquisition` serves
 * the local API, `herd bouncers add NAME -o raw` prints a key a bouncer can use at once, and the
 * decisions that `herd decisions add|delete` make in another process reach the bouncers.
 */
let dir: string;
let herd: ReturnType<typeof startHerd>;
let url: string;

const herdCli = (args: string[]) => runHerd([...args, '--data-dir', join(dir, 'data')], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herd-lapi-cli-'));
  herd = startHerd(['start', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--no-acquisition'], { cwd: dir });
  await waitFor(() => /local API listening on http:\/\/\S+/.test(herd.output()) || herd.exitCode !== null, 'the local API', 60_000);
  url = /local API listening on (http:\/\/\S+)/.exec(herd.output())![1]!;
  await waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.status === 200, 'GET /health = 200');
}, 90_000);

afterAll(async () => {
  if (herd && herd.exitCode === null) {
    herd.kill('SIGTERM');
    await exited(herd);
  }
  rmSync(dir, { recursive: true, force: true });
});

async function decisionsFor(key: string, ip: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${url}/v1/decisions?ip=${encodeURIComponent(ip)}`, { headers: { 'X-Api-Key': key } });
  return { status: r.status, body: r.status === 200 ? await r.json() : await r.text() };
}

describe('herd start --no-acquisition serves the local API', () => {
  it('follows no logs and answers 403 to a request without a valid key', async () => {
    expect(herd.output()).not.toContain('following');
    expect((await fetch(`${url}/v1/decisions`)).status).toBe(403);
    expect((await fetch(`${url}/v1/decisions`, { headers: { 'X-Api-Key': 'not-a-key-of-this-api' } })).status).toBe(403);
  });
});

describe('herd bouncers', () => {
  it('add -o raw prints the key alone on one line; the key works at once; list shows the pull; delete revokes it', async () => {
    const add = await herdCli(['bouncers', 'add', 'fw-1', '-o', 'raw']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^[A-Za-z0-9_-]{32,}\n$/);
    const key = add.stdout.trim();
    const empty = await decisionsFor(key, '192.0.2.1');
    expect(empty).toEqual({ status: 200, body: null });

    const list = await herdCli(['bouncers', 'list', '--json']);
    const bouncers = JSON.parse(list.stdout) as { name: string; last_pull: string }[];
    expect(bouncers.map((b) => b.name)).toEqual(['fw-1']);

    const again = await herdCli(['bouncers', 'add', 'fw-1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('fw-1');

    const del = await herdCli(['bouncers', 'delete', 'fw-1']);
    expect(del.code, del.stderr).toBe(0);
    await waitFor(async () => (await decisionsFor(key, '192.0.2.1')).status === 403, 'the deleted key to be refused', 10_000);
  });

  it('add with a chosen key (-k) and the default output names the key once', async () => {
    const add = await herdCli(['bouncers', 'add', 'nginx-1', '-k', 'a-chosen-key-of-32-characters-ok']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('a-chosen-key-of-32-characters-ok');
    expect((await decisionsFor('a-chosen-key-of-32-characters-ok', '192.0.2.1')).status).toBe(200);
    const bad = await herdCli(['bouncers', 'add', 'bad name']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not valid');
  });
});

describe('herd decisions add|delete reach the bouncers of a running API', () => {
  it('a ban on an IP, then on a range, then deleted by IP and by id', async () => {
    const key = (await herdCli(['bouncers', 'add', 'web-1', '-o', 'raw'])).stdout.trim();

    const add = await herdCli(['decisions', 'add', '--ip', '203.0.113.7', '--duration', '4h', '--reason', 'manual test']);
    expect(add.code, add.stderr).toBe(0);
    await waitFor(async () => Array.isArray((await decisionsFor(key, '203.0.113.7')).body), 'the new decision to be served', 10_000);
    const [d] = (await decisionsFor(key, '203.0.113.7')).body as Record<string, unknown>[];
    expect(d).toEqual(expect.objectContaining({ value: '203.0.113.7', scope: 'Ip', type: 'ban', origin: 'cscli', scenario: 'manual test' }));
    expect(d!.duration).toMatch(/^(3h59m\d+(\.\d+)?s|4h0m0s)$/);

    const range = await herdCli(['decisions', 'add', '--range', '198.51.100.0/24', '--type', 'captcha', '--duration', '1h']);
    expect(range.code, range.stderr).toBe(0);
    await waitFor(async () => Array.isArray((await decisionsFor(key, '198.51.100.42')).body), 'the range decision to be served', 10_000);
    const [r] = (await decisionsFor(key, '198.51.100.42')).body as Record<string, unknown>[];
    expect(r).toEqual(expect.objectContaining({ value: '198.51.100.0/24', scope: 'Range', type: 'captcha' }));

    const delIp = await herdCli(['decisions', 'delete', '--ip', '203.0.113.7']);
    expect(delIp.code, delIp.stderr).toBe(0);
    await waitFor(async () => (await decisionsFor(key, '203.0.113.7')).body === null, 'the deleted decision to be gone', 10_000);

    const list = JSON.parse((await herdCli(['decisions', 'list', '--range', '198.51.100.0/24', '--json'])).stdout) as { id: number }[];
    expect(list).toHaveLength(1);
    const delId = await herdCli(['decisions', 'delete', '--id', String(list[0]!.id)]);
    expect(delId.code, delId.stderr).toBe(0);
    await waitFor(async () => (await decisionsFor(key, '198.51.100.42')).body === null, 'the range decision to be gone', 10_000);
  });
});

describe('herd machines', () => {
  it('add writes credentials a machine logs in with; validate and delete act on the API', async () => {
    const file = join(dir, 'agent-1.yaml');
    const add = await herdCli(['machines', 'add', 'agent-1', '-f', file, '--url', url]);
    expect(add.code, add.stderr).toBe(0);
    const creds = parseCredentials(readFileSync(file, 'utf8'), file);
    expect(creds).toEqual({ url, login: 'agent-1', password: expect.any(String) });
    const login = await fetch(`${url}/v1/watchers/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ machine_id: 'agent-1', password: creds.password }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token: string }).token).toMatch(/^ey/);

    // A machine that registers itself needs validating before it may log in (401 as CrowdSec answers).
    const reg = await fetch(`${url}/v1/watchers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ machine_id: 'agent-2', password: 'a-password-for-agent-2' }),
    });
    expect(reg.status).toBe(201);
    const login2 = () =>
      fetch(`${url}/v1/watchers/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ machine_id: 'agent-2', password: 'a-password-for-agent-2' }) });
    expect((await login2()).status).toBe(401);
    const listed = JSON.parse((await herdCli(['machines', 'list', '--json'])).stdout) as { machine_id: string; is_validated: boolean }[];
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ machine_id: 'agent-1', is_validated: true }), expect.objectContaining({ machine_id: 'agent-2', is_validated: false })]));
    expect((await herdCli(['machines', 'validate', 'agent-2'])).code).toBe(0);
    expect((await login2()).status).toBe(200);
    expect((await herdCli(['machines', 'delete', 'agent-2'])).code).toBe(0);
    expect((await login2()).status).toBe(401);
    const missing = await herdCli(['machines', 'validate', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('herd machines list');
  });
});
