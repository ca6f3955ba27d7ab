import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HERD_BIN, assertBuilt, exited, runHerd, startHerd, waitFor } from '../support/herd-cli.js';
import { buildNamespaces, deleteNamespaces, missingForFirewallTests, run } from './netns.js';

/**
 * `herd bouncer nginx` and `herd bouncer nftables` run as an operator runs them: the compiled CLI,
 * herd's API from `herd start`, a key from `herd bouncers add`, decisions from `herd decisions add`.
 * The nginx endpoint is asked as nginx asks it (X-Real-IP from loopback). The firewall bouncer runs
 * in a network namespace made here, with herd's API inside it too, and the kernel's sets are read
 * with `nft list set`; that part needs root, `nft` and `ip`, and is skipped, saying why, otherwise.
 */


/** `herd …` against one data directory. */
const herdIn = (data: string) => (args: string[]) => runHerd([...args, '--data-dir', data]);

function ask(port: number, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/herd-auth', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends SIGTERM and returns the exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const done = exited(child);
  child.kill('SIGTERM');
  return done;
}

describe('herd bouncer nginx', () => {
  let dir: string;
  let herd: ReturnType<typeof startHerd>;
  let url: string;
  let key: string;
  const herdCli = (args: string[]) => herdIn(join(dir, 'data'))(args);

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'herd-bouncer-cli-'));
    herd = startHerd(['start', '--no-acquisition', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')], { cwd: dir });
    await waitFor(() => /local API listening on http:\/\/\S+/.test(herd.output()) || herd.exitCode !== null, 'the local API', 60_000);
    url = /local API listening on (http:\/\/\S+)/.exec(herd.output())![1]!;
    const add = await herdCli(['bouncers', 'add', 'nginx-1', '-o', 'raw']);
    expect(add.code, add.stderr).toBe(0);
    key = add.stdout.trim();
    for (const args of [
      ['--ip', '192.0.2.1'],
      ['--ip', '2001:db8::1'],
      ['--range', '198.51.100.0/24'],
    ]) {
      const r = await herdCli(['decisions', 'add', ...args, '--duration', '4h']);
      expect(r.code, r.stderr).toBe(0);
    }
    // The API picks up decisions made by other processes within its sync interval (1s).
    const served = async (ip: string) => (await (await fetch(`${url}/v1/decisions?ip=${encodeURIComponent(ip)}`, { headers: { 'X-Api-Key': key } })).json()) !== null;
    for (const ip of ['192.0.2.1', '2001:db8::1', '198.51.100.77']) await waitFor(() => served(ip), `the API to serve the ban on ${ip}`, 15_000);
  }, 90_000);

  afterAll(async () => {
    if (herd) await stop(herd);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `herd bouncer nginx` and waits for the line saying where it listens. */
  async function startNginx(args: string[], env: Record<string, string> = {}): Promise<{ child: ReturnType<typeof startHerd>; port: number }> {
    const child = startHerd(['bouncer', 'nginx', '--listen', '127.0.0.1:0', ...args], { cwd: dir, env });
    const line = /herd: nginx auth_request endpoint listening on http:\/\/127\.0\.0\.1:(\d+)\n/;
    await waitFor(() => line.test(child.output()) || child.exitCode !== null, 'the auth endpoint', 30_000);
    const m = line.exec(child.output());
    if (m === null) throw new Error(`herd bouncer nginx did not start:\n${child.output()}`);
    return { child, port: Number(m[1]) };
  }

  it('live mode: 403 for a banned address (from X-Real-IP), 200 for another; SIGTERM ends it with 0', async () => {
    const { child, port } = await startNginx(['--api-url', url], { HERD_BOUNCER_API_KEY: key });
    expect((await ask(port, { 'x-real-ip': '192.0.2.1' })).status).toBe(403);
    expect((await ask(port, { 'x-real-ip': '192.0.2.1' })).headers['x-herd-remediation']).toBe('ban');
    expect((await ask(port, { 'x-real-ip': '198.51.100.77' })).status).toBe(403);
    expect((await ask(port, { 'x-real-ip': '2001:db8::1' })).status).toBe(403);
    expect((await ask(port, { 'x-real-ip': '192.0.2.2' })).status).toBe(200);
    expect((await ask(port, { 'x-real-ip': '2001:db8::2' })).status).toBe(200);
    // Without the header the peer (127.0.0.1) is the client.
    expect((await ask(port, {})).status).toBe(200);
    expect(await stop(child)).toBe(0);
  });

  it('stream mode from a config file: new decisions reach it on the next pull', async () => {
    const file = join(dir, 'nginx-bouncer.yaml');
    writeFileSync(file, `api_url: ${url}\napi_key: \${NGINX_BOUNCER_KEY}\nmode: stream\nupdate_frequency: 200ms\n`);
    const { child, port } = await startNginx(['-c', file], { NGINX_BOUNCER_KEY: key });
    expect((await ask(port, { 'x-real-ip': '192.0.2.1' })).status).toBe(403);
    expect((await ask(port, { 'x-real-ip': '192.0.2.3' })).status).toBe(200);
    const add = await herdCli(['decisions', 'add', '--ip', '192.0.2.3', '--duration', '1h']);
    expect(add.code, add.stderr).toBe(0);
    await waitFor(async () => (await ask(port, { 'x-real-ip': '192.0.2.3' })).status === 403, 'the new ban to reach the endpoint', 15_000);
    const del = await herdCli(['decisions', 'delete', '--ip', '192.0.2.3']);
    expect(del.code, del.stderr).toBe(0);
    await waitFor(async () => (await ask(port, { 'x-real-ip': '192.0.2.3' })).status === 200, 'the deleted ban to leave the endpoint', 15_000);
    expect(await stop(child)).toBe(0);
  });

  it('refuses bad settings with exit code 1 and a message naming the option', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, `api_url: ${url}\nlisten: 127.0.0.1\n`);
    const [noKey, badUrl, badDuration, badFile, unknown] = await Promise.all([
      runHerd(['bouncer', 'nginx', '--api-url', url], { env: { HERD_BOUNCER_API_KEY: '' } }),
      runHerd(['bouncer', 'nginx', '--api-url', 'localhost:8080', '--api-key', key]),
      runHerd(['bouncer', 'nginx', '--api-url', url, '--api-key', key, '--cache-ttl', 'a while']),
      runHerd(['bouncer', 'nginx', '-c', file, '--api-key', key]),
      runHerd(['bouncer', 'nginx', '--api-url', url, '--no-such-flag']),
    ]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/--api-key is missing: .*herd bouncers add NAME.*\[HERD_CLI_ARG\]/);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain("--api-url: 'localhost:8080' is not an http(s) URL");
    expect(badDuration.code).toBe(1);
    expect(badDuration.stderr).toContain("--cache-ttl: 'a while' is not a duration");
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain(`${file}:2: listen: '127.0.0.1' must be host:port`);
    expect(unknown.code).toBe(2);
  });
});

describe('herd bouncer nftables without nft', () => {
  it('fails at start-up with exit code 1 when nft cannot be run', async () => {
    const r = await runHerd(['bouncer', 'nftables', '--api-url', 'http://127.0.0.1:9/', '--api-key', 'some-key-for-the-test', '--nft', '/nonexistent/nft']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'\/nonexistent\/nft' was not found.*\[HERD_NFT_MISSING\]/);
  });
});

// --- the firewall in a network namespace --------------------------------------------------------

const NS = `hbcli${process.pid}`;

/** Only loopback is needed: herd and the bouncer both run inside the namespace. */
function setupNetns(): string | null {
  return missingForFirewallTests() ?? buildNamespaces(NS, []);
}

const skip = setupNetns();
if (skip !== null) console.warn(`herd bouncer nftables end-to-end test skipped: ${skip}`);

/** Runs the compiled herd inside the namespace (`ip netns exec` execs it: the child is herd itself). */
function herdInNs(args: string[], env: Record<string, string> = {}): ChildProcess & { output(): string } {
  const child = spawn('ip', ['netns', 'exec', NS, process.execPath, HERD_BIN, ...args], {
    env: { ...process.env, HERD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return Object.assign(child, { output: () => out });
}

async function nft(...args: string[]): Promise<string> {
  const r = await run('ip', ['netns', 'exec', NS, 'nft', ...args]).catch((err: { stderr?: string }) => ({ stdout: `ERROR ${err.stderr ?? ''}` }));
  return r.stdout;
}

describe.skipIf(skip !== null)(`herd bouncer nftables in a network namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let herd: ReturnType<typeof herdInNs>;
  let url: string;
  let key: string;
  const herdCli = (args: string[]) => herdIn(join(dir, 'data'))(args);

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'herd-bouncer-nft-'));
    herd = herdInNs(['start', '--no-acquisition', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')]);
    await waitFor(() => /local API listening on http:\/\/\S+/.test(herd.output()) || herd.exitCode !== null, 'the local API in the namespace', 60_000);
    url = /local API listening on (http:\/\/\S+)/.exec(herd.output())![1]!;
    key = (await herdCli(['bouncers', 'add', 'fw-1', '-o', 'raw'])).stdout.trim();
    for (const args of [
      ['--ip', '192.0.2.1'],
      ['--ip', '2001:db8::1'],
      ['--range', '198.51.100.0/24'],
    ]) {
      const r = await herdCli(['decisions', 'add', ...args, '--duration', '4h']);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 90_000);

  afterAll(async () => {
    if (herd) await stop(herd);
    deleteNamespaces(NS);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fills the sets, follows additions and deletions, and removes its table on SIGTERM (exit 0)', async () => {
    const fw = herdInNs(['bouncer', 'nftables', '--api-url', url, '--update-frequency', '200ms'], { HERD_BOUNCER_API_KEY: key, HERD_LOG_LEVEL: 'info' });
    try {
      await waitFor(() => fw.output().includes('"msg":"nftables bouncer running"') || fw.exitCode !== null, 'the bouncer to start', 30_000);
      expect(fw.exitCode, fw.output()).toBeNull();
      // The API picks up decisions made by other processes within its sync interval (1s), the bouncer on its next pull.
      await waitFor(async () => /192\.0\.2\.1 timeout/.test(await nft('list', 'set', 'inet', 'herd', 'herd-blacklist-v4')), 'the IPv4 ban in the set', 15_000);
      await waitFor(async () => /2001:db8::1 timeout/.test(await nft('list', 'set', 'inet', 'herd', 'herd-blacklist-v6')), 'the IPv6 ban in the set', 15_000);
      await waitFor(async () => (await nft('list', 'set', 'inet', 'herd', 'herd-blacklist-v4-ranges')).includes('198.51.100.0/24'), 'the range in the set', 15_000);

      expect((await herdCli(['decisions', 'add', '--ip', '192.0.2.2', '--duration', '1h'])).code).toBe(0);
      await waitFor(async () => (await nft('list', 'set', 'inet', 'herd', 'herd-blacklist-v4')).includes('192.0.2.2'), 'the new ban in the set', 15_000);
      expect((await herdCli(['decisions', 'delete', '--ip', '192.0.2.1'])).code).toBe(0);
      await waitFor(async () => !(await nft('list', 'set', 'inet', 'herd', 'herd-blacklist-v4')).includes('192.0.2.1 '), 'the deleted ban to leave the set', 15_000);

      expect(await stop(fw)).toBe(0);
      expect(fw.output()).toContain('"msg":"nftables bouncer stopped"');
      expect(await nft('list', 'tables')).not.toContain('herd');
    } finally {
      if (fw.exitCode === null) fw.kill('SIGKILL');
    }
  });

  it('takes its names from a config file and the flags, and keeps the table with --no-cleanup', async () => {
    const file = join(dir, 'fw.yaml');
    writeFileSync(file, `api_url: ${url}\napi_key: ${key}\nupdate_frequency: 1s\ntable: edge\nblacklists_ipv4: bans4\nlog_mode: stdout\n`);
    const fw = herdInNs(['bouncer', 'nftables', '-c', file, '--set6', 'bans6', '--no-cleanup'], { HERD_LOG_LEVEL: 'info' });
    try {
      await waitFor(() => fw.output().includes('"msg":"nftables bouncer running"') || fw.exitCode !== null, 'the bouncer to start', 30_000);
      expect(fw.exitCode, fw.output()).toBeNull();
      // The CrowdSec-only key is named in a warning, not refused.
      expect(fw.output()).toMatch(/fw\.yaml:6: log_mode is a CrowdSec firewall bouncer setting/);
      expect(await nft('list', 'set', 'inet', 'edge', 'bans4')).toMatch(/192\.0\.2\.2 timeout/);
      expect(await nft('list', 'set', 'inet', 'edge', 'bans6')).toMatch(/2001:db8::1 timeout/);
      expect(await nft('list', 'set', 'inet', 'edge', 'bans4-ranges')).toContain('198.51.100.0/24');
      expect(await stop(fw)).toBe(0);
      expect(await nft('list', 'set', 'inet', 'edge', 'bans4')).toMatch(/192\.0\.2\.2 timeout/);
    } finally {
      if (fw.exitCode === null) fw.kill('SIGKILL');
    }
  });
});
