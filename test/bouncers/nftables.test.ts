import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NftablesBouncer } from '../../src/bouncers/index.js';
import { startHerdApi, type HerdApi } from './herd-api.js';
import { buildNamespaces, deleteNamespaces, missingForFirewallTests, probeConnect, run } from './netns.js';

/**
 * The firewall bouncer for real: two network namespaces made here (a server and a client joined
 * by a veth pair, documentation addresses), herd's API in this process, and the bouncer running
 * `nft` inside the server's namespace. A banned address's TCP connections to the server time out
 * (its SYNs are dropped) while another address connects; deleting or expiring the decision
 * removes the element. Needs root, `ip` and `nft`; skipped, saying why, otherwise.
 */

const SRV = `hbs${process.pid}`;
const CLI = `hbc${process.pid}`;
const PORT = 7070;

function setupNetns(): string | null {
  return (
    missingForFirewallTests() ??
    buildNamespaces(SRV, ['192.0.2.10/24', '198.51.100.10/24', '2001:db8::10/64'], {
      name: CLI,
      addrs: ['192.0.2.1/24', '192.0.2.2/24', '198.51.100.5/24', '2001:db8::1/64', '2001:db8::2/64'],
    })
  );
}

const skip = setupNetns();
if (skip !== null) console.warn(`nftables end-to-end test skipped: ${skip}`);

/** Connects from `from` (an address of the client namespace) to the server: connected, timeout or error. */
const probe = (from: string, to: string) => probeConnect(CLI, from, to, PORT);

async function setElements(set: string): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', SRV, 'nft', 'list', 'set', 'inet', 'herd', set]);
  return stdout;
}

describe.skipIf(skip !== null)(`nftables bouncer in network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let api: HerdApi;
  let server: ChildProcess;
  let bouncer: NftablesBouncer;

  beforeAll(async () => {
    api = await startHerdApi();
    server = spawn('ip', ['netns', 'exec', SRV, process.execPath, '-e', `require('node:net').createServer((s) => { s.on('error', () => {}); s.end('hi'); }).listen(${PORT}, '::', () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`test server exited (${code})`)));
    });
    bouncer = new NftablesBouncer({ url: api.url, apiKey: api.key, nftCommand: ['ip', 'netns', 'exec', SRV, 'nft'], updateFrequency: '1h', cleanupOnStop: true });
  });

  afterAll(async () => {
    await bouncer?.stop().catch(() => undefined);
    if (server?.pid !== undefined && server.exitCode === null) server.kill();
    await api?.stop();
    deleteNamespaces(SRV, CLI);
  });

  it('connects from every address before anything is banned', async () => {
    await bouncer.start();
    expect(await probe('192.0.2.1', '192.0.2.10')).toBe('connected');
    expect(await probe('2001:db8::1', '2001:db8::10')).toBe('connected');
  });

  it('drops the packets of banned addresses and ranges, IPv4 and IPv6, and only theirs', async () => {
    await api.ban('192.0.2.1');
    await api.ban('2001:db8::1');
    await api.ban('198.51.100.0/24');
    const r = await bouncer.sync();
    expect(r).toMatchObject({ full: false, set: 2, rangesRebuilt: true });
    expect(await setElements('herd-blacklist-v4')).toMatch(/192\.0\.2\.1 timeout/);
    expect(await setElements('herd-blacklist-v4-ranges')).toContain('198.51.100.0/24');

    expect(await probe('192.0.2.1', '192.0.2.10')).toBe('timeout');
    expect(await probe('192.0.2.2', '192.0.2.10')).toBe('connected');
    expect(await probe('2001:db8::1', '2001:db8::10')).toBe('timeout');
    expect(await probe('2001:db8::2', '2001:db8::10')).toBe('connected');
    expect(await probe('198.51.100.5', '198.51.100.10')).toBe('timeout');
  });

  it('lets an address through again once its decision is deleted', async () => {
    await api.unban('192.0.2.1');
    await api.unban('198.51.100.0/24');
    const r = await bouncer.sync();
    expect(r).toMatchObject({ removed: 1, rangesRebuilt: true });
    expect(await setElements('herd-blacklist-v4')).not.toContain('192.0.2.1');
    expect(await probe('192.0.2.1', '192.0.2.10')).toBe('connected');
    expect(await probe('198.51.100.5', '198.51.100.10')).toBe('connected');
    expect(await probe('2001:db8::1', '2001:db8::10')).toBe('timeout');
  });

  it('lets the kernel drop an element when its decision expires', async () => {
    await api.ban('192.0.2.2', { durationMs: 3000 });
    await bouncer.sync();
    expect(await setElements('herd-blacklist-v4')).toMatch(/192\.0\.2\.2 timeout [23]s/);
    // Poll the kernel's set (not a sleep): the element goes when its timeout runs out.
    const deadline = Date.now() + 15_000;
    while ((await setElements('herd-blacklist-v4')).includes('192.0.2.2') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await setElements('herd-blacklist-v4')).not.toContain('192.0.2.2');
    expect(await probe('192.0.2.2', '192.0.2.10')).toBe('connected');
    // The next pull (deleted: the expired decision) needs no change in the kernel.
    expect(await bouncer.sync()).toMatchObject({ removed: 0 });
  });

  it('removes its table on stop', async () => {
    await bouncer.stop();
    const { stdout } = await run('ip', ['netns', 'exec', SRV, 'nft', 'list', 'tables']);
    expect(stdout).not.toContain('herd');
    expect(await probe('2001:db8::1', '2001:db8::10')).toBe('connected');
  });
});
