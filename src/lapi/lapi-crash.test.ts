import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.js';
import { openStore } from '../store/index.js';
import { hashApiKey, hashPassword } from './credentials.js';
import { SECRET, wireAlert } from './test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'herd-lapi-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bundleChild(): Promise<string> {
  symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir');
  const outfile = join(dir, 'child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Starts the API in a child process; resolves with it and its URL once it listens. */
function startChild(child: string, db: string): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, db, SECRET], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTEN (\S+)\n/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`API child exited (${code}): ${err}`)));
  });
}

function call(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function login(url: string): Promise<string> {
  const res = await call(url, 'POST', '/v1/watchers/login', { 'User-Agent': 'crowdsec/v1.6.4' }, JSON.stringify({ machine_id: 'agent', password: 'agent-password' }));
  expect(res.status).toBe(200);
  return `Bearer ${(JSON.parse(res.body) as { token: string }).token}`;
}

/** Push n: 1 to 4 alerts on IPs 10.n.x.y, the same bytes every time it is sent. */
function pushBody(n: number): { ips: string[]; body: string } {
  const ips = Array.from({ length: 1 + (n % 4) }, (_, i) => `10.${(n >> 8) & 255}.${n & 255}.${i + 1}`);
  return { ips, body: JSON.stringify(ips.map((ip) => wireAlert(ip))) };
}

describe('the local API under kill -9', () => {
  it('keeps every acknowledged alert and its decisions, and a retried push stores nothing twice', async () => {
    const db = join(dir, 'herd.db');
    const setup = await openStore({ type: 'sqlite', path: db }, { clock: systemClock });
    await setup.addMachine({ machineId: 'agent', passwordHash: await hashPassword('agent-password'), ipAddress: '', lastPush: null, lastHeartbeat: null, isValidated: true, version: '', scenarios: '', authType: 'password', osName: '', osVersion: '' });
    await setup.addBouncer({ name: 'fw', apiKeyHash: hashApiKey('fw-key-fw-key-fw-key'), ipAddress: '', lastPull: null, type: '', version: '', authType: 'api-key' });
    await setup.close();
    const child = await bundleChild();

    let { proc, url } = await startChild(child, db);
    const auth = await login(url);
    // A burst: 4 clients pushing at once; the API is killed once 40 pushes were acknowledged,
    // with others still in flight.
    const acked = new Map<number, string[]>();
    const sent = new Set<number>();
    let next = 0;
    let killed = false;
    const exited = new Promise((r) => proc.once('exit', r));
    const client = async () => {
      while (!killed) {
        const n = next++;
        sent.add(n);
        try {
          const res = await call(url, 'POST', '/v1/alerts', { Authorization: auth, 'User-Agent': 'crowdsec/v1.6.4' }, pushBody(n).body);
          if (res.status === 201) acked.set(n, JSON.parse(res.body) as string[]);
        } catch {
          // The connection died with the API: not acknowledged.
        }
        if (acked.size >= 40 && !killed) {
          killed = true;
          proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    await exited;
    expect(acked.size).toBeGreaterThanOrEqual(40);

    const store = await openStore({ type: 'sqlite', path: db }, { clock: systemClock });
    for (const [n, ids] of acked) {
      const { ips } = pushBody(n);
      expect(ids).toHaveLength(ips.length);
      for (let i = 0; i < ids.length; i++) {
        const a = await store.getAlert(Number(ids[i]));
        expect(a?.source.value).toBe(ips[i]);
        expect(a?.decisions.map((d) => [d.type, d.value])).toEqual([['ban', ips[i]]]);
      }
    }
    await store.close();

    // Restarted, the API serves every acknowledged ban; the client retries everything it sent.
    ({ proc, url } = await startChild(child, db));
    try {
      const auth2 = await login(url);
      for (const n of sent) {
        const res = await call(url, 'POST', '/v1/alerts', { Authorization: auth2, 'User-Agent': 'crowdsec/v1.6.4' }, pushBody(n).body);
        expect(res.status).toBe(201);
        if (acked.has(n)) expect(JSON.parse(res.body)).toEqual(acked.get(n));
      }
      const s = await call(url, 'GET', '/v1/decisions/stream?startup=true', { 'X-Api-Key': 'fw-key-fw-key-fw-key', 'User-Agent': 'crowdsec-firewall-bouncer/v0.0.25' });
      const served = new Set(((JSON.parse(s.body) as { new: { value: string }[] }).new ?? []).map((d) => d.value));
      const expected = new Set([...sent].flatMap((n) => pushBody(n).ips));
      expect(served).toEqual(expected);
    } finally {
      proc.kill('SIGKILL');
    }
    const after = await openStore({ type: 'sqlite', path: db }, { clock: systemClock });
    const alerts = await after.listAlerts({});
    const total = [...sent].reduce((k, n) => k + pushBody(n).ips.length, 0);
    expect(alerts).toHaveLength(total);
    expect(await after.listDecisions({})).toHaveLength(total);
    await after.close();
  });
});
