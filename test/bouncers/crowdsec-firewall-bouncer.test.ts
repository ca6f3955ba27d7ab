import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, exited, HERD_BIN, ROOT, runHerd, waitFor } from '../support/herd-cli.js';
import { buildNamespaces, deleteNamespaces, missingForFirewallTests, probeConnect, run } from './netns.js';

/**
 * A firewall bouncer that no one here wrote: Debian's `crowdsec-firewall-bouncer` (0.0.25, nftables
 * mode) against the real `herd start`. Two network namespaces are made here (a server and a client
 * joined by a veth pair, documentation addresses); herd and the bouncer both run inside the
 * server's namespace, so the bouncer reaches herd on that namespace's 127.0.0.1 and its tables
 * exist there only, never on the host. Decisions are changed with `herd decisions add|delete` from
 * another process, as an operator would; the test waits (polling, with generous deadlines) for the
 * bouncer's next pull to show in the kernel's sets, then checks which client addresses still
 * connect. Needs root, `ip`, `nft` and the bouncer; skipped, saying why, otherwise.
 *
 * Range decisions are not tested: 0.0.25 has no interval sets. Its nftables backend cuts a value at
 * the "/" (normalizedDecisions in nftables.go), so a ban on 192.0.2.0/28 puts only 192.0.2.0 in its
 * set. herd serves the range correctly (scope Range, value 192.0.2.0/28); the loss is the bouncer's.
 */

const SRV = `hfs${process.pid}`;
const CLI = `hfc${process.pid}`;
const PORT = 7070;
const SERVER_V4 = '192.0.2.10';
const SERVER_V6 = '2001:db8::10';
const [A4, B4] = ['192.0.2.2', '192.0.2.3'];
const [A6, B6] = ['2001:db8::2', '2001:db8::3'];
const BOUNCER = 'crowdsec-firewall-bouncer';

function setupNetns(): string | null {
  return (
    missingForFirewallTests([{ command: [BOUNCER, '-V'], install: `--no-install-recommends ${BOUNCER}` }]) ??
    buildNamespaces(SRV, [`${SERVER_V4}/24`, `${SERVER_V6}/64`], { name: CLI, addrs: [`${A4}/24`, `${B4}/24`, `${A6}/64`, `${B6}/64`] })
  );
}

const skip = setupNetns();
if (skip !== null) console.warn(`${BOUNCER} end-to-end test skipped: ${skip}`);

/** Connects from `from` (an address of the client namespace) to the server: connected, timeout or error. */
const probe = (from: string) => probeConnect(CLI, from, from.includes(':') ? SERVER_V6 : SERVER_V4, PORT);

/** The bouncer's set for `ip`'s family, as `nft` lists it inside the server's namespace. */
async function blacklist(ip: string): Promise<string> {
  const [family, table, set] = ip.includes(':') ? ['ip6', 'crowdsec6', 'crowdsec6-blacklists'] : ['ip', 'crowdsec', 'crowdsec-blacklists'];
  const { stdout } = await run('ip', ['netns', 'exec', SRV, 'nft', 'list', 'set', family, table, set]);
  return stdout;
}

/** Whether `ip` is an element of the set (matched as a whole element, not a prefix of another). */
async function inBlacklist(ip: string): Promise<boolean> {
  const text = await blacklist(ip);
  const elements = /elements = \{([^}]*)\}/.exec(text)?.[1] ?? '';
  return elements.split(',').some((e) => e.trim().split(/\s+/)[0] === ip);
}

/** The bouncer's 0.0.25 configuration keys (config.go); Debian's defaults except where a test needs otherwise. */
function bouncerConfig(dir: string, apiUrl: string, apiKey: string): string {
  return [
    'mode: nftables',
    `pid_dir: ${dir}/`,
    'update_frequency: 1s',
    // true installs the SIGTERM handler that removes the tables (main.go); no systemd is needed.
    'daemonize: true',
    'log_mode: file',
    `log_dir: ${dir}/`,
    'log_level: debug',
    `api_url: ${apiUrl}/`,
    `api_key: ${apiKey}`,
    'insecure_skip_verify: false',
    'disable_ipv6: false',
    'deny_action: DROP',
    'deny_log: false',
    'supported_decisions_types:',
    '  - ban',
    'blacklists_ipv4: crowdsec-blacklists',
    'blacklists_ipv6: crowdsec6-blacklists',
    'nftables:',
    '  ipv4:',
    '    enabled: true',
    '    set-only: false',
    '    table: crowdsec',
    '    chain: crowdsec-chain',
    '  ipv6:',
    '    enabled: true',
    '    set-only: false',
    '    table: crowdsec6',
    '    chain: crowdsec6-chain',
    'prometheus:',
    '  enabled: false',
    '  listen_addr: 127.0.0.1',
    '  listen_port: 60601',
    '',
  ].join('\n');
}

/** Spawns `command` inside the server's namespace, collecting its output. */
function startInServerNetns(command: string[]): ChildProcess & { output(): string } {
  const child = spawn('ip', ['netns', 'exec', SRV, ...command], {
    cwd: ROOT,
    env: { ...process.env, HERD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return Object.assign(child, { output: () => out });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

describe.skipIf(skip !== null)(`Debian's ${BOUNCER} against a running herd, in network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let herd: (ChildProcess & { output(): string }) | undefined;
  let bouncer: (ChildProcess & { output(): string }) | undefined;

  const herdCli = (args: string[]) => runHerd([...args, '--data-dir', join(dir, 'data')], { cwd: dir });
  const bouncerLog = (): string => {
    const file = join(dir, `${BOUNCER}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  /** waitFor that, on failure, says what herd and the bouncer logged (the bouncer logs every pull at debug). */
  const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> => {
    try {
      await waitFor(async () => {
        if (bouncer !== undefined && bouncer.exitCode !== null) throw new Error(`${BOUNCER} exited (${bouncer.exitCode})`);
        return check();
      }, what, timeoutMs, 200);
    } catch (e) {
      const tail = bouncerLog().split('\n').filter((l) => !l.includes('[headers]')).slice(-30).join('\n');
      throw new Error(`${(e as Error).message}\n--- herd:\n${herd?.output().slice(-2000) ?? ''}\n--- ${BOUNCER} log (tail):\n${tail}\n${bouncer?.output() ?? ''}`);
    }
  };
  const decisions = async (args: string[]): Promise<void> => {
    const r = await herdCli(['decisions', ...args]);
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'herd-fw-bouncer-'));
    server = spawn('ip', ['netns', 'exec', SRV, process.execPath, '-e', `require('node:net').createServer((s) => { s.on('error', () => {}); s.end('hi'); }).listen(${PORT}, '::', () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.once('data', () => resolve());
      server!.once('exit', (code) => reject(new Error(`test server exited (${code})`)));
    });

    herd = startInServerNetns([process.execPath, HERD_BIN, 'start', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--no-acquisition']);
    await until(() => /local API listening on http:\/\/\S+/.test(herd!.output()) || herd!.exitCode !== null, 'herd to listen', 60_000);
    const url = /local API listening on (http:\/\/\S+)/.exec(herd.output())?.[1];
    if (url === undefined) throw new Error(`herd start exited (${herd.exitCode}):\n${herd.output()}`);

    const add = await herdCli(['bouncers', 'add', 'firewall', '-o', 'raw']);
    expect(add.code, add.stderr).toBe(0);
    const configFile = join(dir, 'firewall-bouncer.yaml');
    writeFileSync(configFile, bouncerConfig(dir, url, add.stdout.trim()), { mode: 0o600 });

    // The bouncer exits if its first pull fails, so it starts only once herd listens.
    bouncer = startInServerNetns([BOUNCER, '-c', configFile]);
    await until(() => /resp-api: http 200/.test(bouncerLog()), `${BOUNCER}'s first pull to succeed`);
  }, 90_000);

  afterAll(async () => {
    await stop(bouncer);
    await stop(herd);
    await stop(server);
    deleteNamespaces(SRV, CLI);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('makes its tables in the server namespace only, and every address connects before anything is banned', async () => {
    const { stdout } = await run('ip', ['netns', 'exec', SRV, 'nft', 'list', 'tables']);
    expect(stdout).toContain('table ip crowdsec');
    expect(stdout).toContain('table ip6 crowdsec6');
    expect(await inBlacklist(A4)).toBe(false);
    for (const from of [A4, B4, A6, B6]) expect(await probe(from), from).toBe('connected');
    const list = JSON.parse((await herdCli(['bouncers', 'list', '--json'])).stdout) as { name: string; last_pull: string | null }[];
    expect(list).toEqual([expect.objectContaining({ name: 'firewall', last_pull: expect.any(String) })]);
  }, 30_000);

  it('drops the packets of an address herd bans, and only that address', async () => {
    await decisions(['add', '--ip', A4, '--duration', '1h', '--reason', 'e2e firewall bouncer']);
    await until(() => inBlacklist(A4), `${A4} in the bouncer's set`);
    expect(await blacklist(A4)).toMatch(/192\.0\.2\.2 timeout (59m\d+s|1h)/);
    expect(await probe(A4)).toBe('timeout');
    expect(await probe(B4)).toBe('connected');
  }, 30_000);

  it('lets the address through again once herd deletes the decision', async () => {
    await decisions(['delete', '--ip', A4]);
    await until(async () => !(await inBlacklist(A4)), `${A4} to leave the bouncer's set`);
    expect(await probe(A4)).toBe('connected');
    expect(await probe(B4)).toBe('connected');
  }, 30_000);

  it('drops an address while its short decision lasts and lets it through once it expires', async () => {
    await decisions(['add', '--ip', B4, '--duration', '5s', '--reason', 'e2e firewall bouncer, short']);
    await until(() => inBlacklist(B4), `${B4} in the bouncer's set`);
    // The element carries the decision's remaining time, so the kernel ends it when herd does.
    expect(await blacklist(B4)).toMatch(/192\.0\.2\.3 timeout [1-5]s/);
    expect(await probe(B4)).toBe('timeout');
    expect(await probe(A4)).toBe('connected');
    await until(async () => !(await inBlacklist(B4)), `${B4}'s element to expire`);
    expect(await probe(B4)).toBe('connected');
  }, 40_000);

  it('bans and unbans an IPv6 address through the ip6 table', async () => {
    await decisions(['add', '--ip', A6, '--duration', '1h', '--reason', 'e2e firewall bouncer, IPv6']);
    await until(() => inBlacklist(A6), `${A6} in the bouncer's ip6 set`);
    expect(await probe(A6)).toBe('timeout');
    expect(await probe(B6)).toBe('connected');
    expect(await probe(A4)).toBe('connected');

    await decisions(['delete', '--ip', A6]);
    await until(async () => !(await inBlacklist(A6)), `${A6} to leave the bouncer's ip6 set`);
    expect(await probe(A6)).toBe('connected');
  }, 40_000);

  it('removes its tables when stopped with SIGTERM', async () => {
    await decisions(['add', '--ip', A4, '--duration', '1h', '--reason', 'e2e firewall bouncer, before stop']);
    await until(() => inBlacklist(A4), `${A4} in the bouncer's set`);
    expect(await probe(A4)).toBe('timeout');
    await stop(bouncer);
    const { stdout } = await run('ip', ['netns', 'exec', SRV, 'nft', 'list', 'tables']);
    expect(stdout).not.toContain('crowdsec');
    expect(await probe(A4)).toBe('connected');
  }, 30_000);
});
