import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { SpawnNftRunner, type NftRunner } from './nft-runner.js';
import { NftablesBouncer } from './nftables-bouncer.js';
import { decision, startStubLapi, type StubLapi } from './test-kit.js';

/** Keeps the scripts instead of running nft (the real thing runs in test/bouncers/nftables.test.ts). */
class RecordingRunner implements NftRunner {
  scripts: string[] = [];
  failNext = false;
  async version(): Promise<string> {
    return 'nftables v1.0.6 (recording)';
  }
  async run(script: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new HerdError('HERD_NFT_FAILED', 'nft refused the batch: test');
    }
    this.scripts.push(script);
  }
}

let stub: StubLapi;
beforeAll(async () => {
  stub = await startStubLapi();
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.decisions = [];
  stub.next = { new: [], deleted: [] };
  stub.override = null;
});

const T = 1_700_000_000_000;

describe('NftablesBouncer', () => {
  it('rebuilds its table at start, then sends only the changes, one batch per update', async () => {
    const runner = new RecordingRunner();
    const b = new NftablesBouncer({ url: stub.url, apiKey: stub.key, updateFrequency: '1h' }, { runner, clock: new ManualClock(T) });
    stub.decisions = [decision('192.0.2.1', { id: 1 }), decision('2001:db8::/32', { id: 2 })];
    await b.start();
    expect(runner.scripts).toHaveLength(1);
    expect(runner.scripts[0]).toMatch(/^add table inet herd\ndelete table inet herd\n/);
    expect(runner.scripts[0]).toContain('add element inet herd herd-blacklist-v4 { 192.0.2.1 timeout 14400s }');
    expect(runner.scripts[0]).toContain('add element inet herd herd-blacklist-v6-ranges { 2001:db8::/32 }');

    stub.next = { new: [], deleted: [] };
    expect(await b.sync()).toEqual({ full: false, set: 0, removed: 0, rangesRebuilt: false });
    expect(runner.scripts).toHaveLength(1);

    stub.next = { new: [decision('192.0.2.2', { id: 3 })], deleted: [decision('192.0.2.1', { id: 1 })] };
    await b.sync();
    expect(runner.scripts).toHaveLength(2);
    expect(runner.scripts[1]).not.toContain('table');
    expect(b.metrics()).toMatchObject({ pulls: 3, nftRuns: 2, v4: 1, v6: 0, ranges: 1 });
    await b.stop();
  });

  it('keeps the firewall as it is while the API is down, and resyncs fully when it is back', async () => {
    const runner = new RecordingRunner();
    const b = new NftablesBouncer({ url: stub.url, apiKey: stub.key, updateFrequency: '1h' }, { runner, clock: new ManualClock(T) });
    stub.decisions = [decision('192.0.2.1')];
    await b.start();
    stub.override = { status: 502, body: '' };
    expect(await b.sync()).toBeNull();
    expect(runner.scripts).toHaveLength(1);
    stub.override = null;
    expect((await b.sync())?.full).toBe(true);
    expect(b.metrics()).toMatchObject({ apiErrors: 1 });
    await b.stop();
  });

  it('rebuilds fully after nft refused a batch', async () => {
    const runner = new RecordingRunner();
    const b = new NftablesBouncer({ url: stub.url, apiKey: stub.key, updateFrequency: '1h' }, { runner, clock: new ManualClock(T) });
    await b.start();
    stub.next = { new: [decision('192.0.2.3', { id: 4 })], deleted: [] };
    runner.failNext = true;
    await expect(b.sync()).rejects.toMatchObject({ code: 'HERD_NFT_FAILED' });
    stub.decisions = [decision('192.0.2.3', { id: 4 })];
    const r = await b.sync();
    expect(r?.full).toBe(true);
    expect(runner.scripts[runner.scripts.length - 1]).toContain('192.0.2.3 timeout');
    expect(b.metrics()).toMatchObject({ nftErrors: 1 });
    await b.stop();
  });

  it('removes its table on stop when asked to', async () => {
    const runner = new RecordingRunner();
    const b = new NftablesBouncer({ url: stub.url, apiKey: stub.key, updateFrequency: '1h', cleanupOnStop: true, nftables: { table: 'fw' } }, { runner });
    await b.start();
    await b.stop();
    expect(runner.scripts[runner.scripts.length - 1]).toBe('add table inet fw\ndelete table inet fw\n');
  });

  it('fails at start with a clear error when nft is missing', async () => {
    const b = new NftablesBouncer({ url: stub.url, apiKey: stub.key, nftCommand: ['/nonexistent/nft'] });
    await expect(b.start()).rejects.toMatchObject({ code: 'HERD_NFT_MISSING', message: expect.stringContaining('apt-get install nftables') });
    await b.stop();
  });
});

describe('SpawnNftRunner', () => {
  it('reports what nft said when it refuses a batch, with a hint about privileges', async () => {
    const runner = new SpawnNftRunner(['sh', '-c', 'cat >/dev/null; echo "Error: Could not process rule: Operation not permitted" >&2; exit 1', 'nft']);
    const err = await runner.run('add table inet herd\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HerdError);
    expect((err as HerdError).code).toBe('HERD_NFT_FAILED');
    expect((err as HerdError).message).toContain('Operation not permitted');
    expect((err as HerdError).message).toContain('CAP_NET_ADMIN');
    expect((err as HerdError).message).toContain('add table inet herd');
  });

  it('passes the script on standard input', async () => {
    // `sh -c 'grep -q …' nft -f -`: succeeds only when the script reached nft's stdin.
    const runner = new SpawnNftRunner(['sh', '-c', 'grep -q "^add table inet herd$"', 'nft']);
    await expect(runner.run('add table inet herd\n')).resolves.toBeUndefined();
    await expect(runner.run('something else\n')).rejects.toMatchObject({ code: 'HERD_NFT_FAILED' });
  });
});
