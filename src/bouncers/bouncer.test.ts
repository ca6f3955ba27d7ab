import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { Bouncer } from './bouncer.js';
import { deadUrl, decision, startStubLapi, type StubLapi } from './test-kit.js';

let stub: StubLapi;
let dead: string;
beforeAll(async () => {
  stub = await startStubLapi();
  dead = await deadUrl();
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.decisions = [];
  stub.next = { new: [], deleted: [] };
  stub.requests = [];
  stub.override = null;
});

const T = 1_700_000_000_000;

describe('Bouncer in live mode', () => {
  it('asks the API once per address and answers from its cache until the TTL, negative answers too', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, mode: 'live', cacheTtl: '30s' }, { clock });
    stub.decisions = [decision('192.0.2.1', { type: 'captcha' })];
    expect((await b.check('192.0.2.1')).remediation).toBe('captcha');
    expect((await b.check('192.0.2.9')).remediation).toBeNull();
    expect(b.checkCached('192.0.2.1')?.remediation).toBe('captcha');
    expect(b.checkCached('192.0.2.9')?.remediation).toBeNull();
    expect(stub.requests).toHaveLength(2);
    clock.advance(30_000);
    expect(b.checkCached('192.0.2.9')).toBeUndefined();
    await b.check('192.0.2.9');
    expect(stub.requests).toHaveLength(3);
    expect(b.metrics()).toMatchObject({ cacheHits: 2, cacheMisses: 3, apiCalls: 3, remediations: { captcha: 2 } });
    await b.stop();
  });

  it('never keeps a ban cached longer than the decision lasts', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, cacheTtl: '1h' }, { clock });
    stub.decisions = [decision('192.0.2.1', { duration: '10s' })];
    expect((await b.check('192.0.2.1')).remediation).toBe('ban');
    clock.advance(10_000);
    stub.decisions = [];
    expect(b.checkCached('192.0.2.1')).toBeUndefined();
    expect((await b.check('192.0.2.1')).remediation).toBeNull();
    await b.stop();
  });

  it('sends one API call for concurrent requests from one new address', async () => {
    const b = new Bouncer({ url: stub.url, apiKey: stub.key }, { clock: new ManualClock(T) });
    let open!: () => void;
    stub.gate = new Promise((resolve) => (open = resolve));
    const answers = [b.check('192.0.2.5'), b.check('192.0.2.5'), b.check('192.0.2.5')];
    open();
    stub.gate = null;
    await Promise.all(answers);
    expect(stub.requests).toHaveLength(1);
    await b.stop();
  });

  it('keys the cache by the address as Go prints it (IPv4-mapped and long IPv6 forms)', async () => {
    const b = new Bouncer({ url: stub.url, apiKey: stub.key }, { clock: new ManualClock(T) });
    stub.decisions = [decision('2001:db8::1')];
    expect((await b.check('2001:0db8:0:0:0:0:0:1')).remediation).toBe('ban');
    expect(b.checkCached('2001:db8::1')?.remediation).toBe('ban');
    expect(stub.requests[0].url).toBe('/v1/decisions?ip=2001%3Adb8%3A%3A1');
    await b.check('::ffff:192.0.2.1');
    expect(stub.requests[1].url).toBe('/v1/decisions?ip=192.0.2.1');
    await b.stop();
  });

  it('lets a request through when the API is down in fail-open mode, and says so once', async () => {
    const lines: string[] = [];
    const logger = (await import('pino')).pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const b = new Bouncer({ url: dead, apiKey: 'k', failMode: 'open' }, { clock: new ManualClock(T), logger });
    const r = await b.check('192.0.2.1');
    expect(r).toEqual({ remediation: null, failed: true });
    // Within retryAfter the API is not asked again: the answer comes at once.
    expect(b.checkCached('192.0.2.2')).toEqual({ remediation: null, failed: true });
    expect(b.metrics()).toMatchObject({ failOpen: 2, failClosed: 0, apiErrors: 1, apiReachable: false });
    expect(lines.filter((l) => l.includes('lapi unreachable'))).toHaveLength(1);
    expect(lines[0]).toContain('HERD_BOUNCER_API_UNREACHABLE');
    await b.stop();
  });

  it('bans when the API is down in fail-closed mode, without caching that answer', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: dead, apiKey: 'k', failMode: 'closed', retryAfter: '1s' }, { clock });
    expect(await b.check('192.0.2.1')).toEqual({ remediation: 'ban', failed: true });
    clock.advance(1000);
    expect(b.checkCached('192.0.2.1')).toBeUndefined();
    expect(b.metrics()).toMatchObject({ failClosed: 1, remediations: { ban: 1 } });
    await b.stop();
  });

  it('lets through an address it cannot parse, and counts it', async () => {
    const b = new Bouncer({ url: stub.url, apiKey: stub.key });
    expect(await b.check('not-an-ip')).toEqual({ remediation: null });
    expect(b.metrics().invalidIps).toBe(1);
    expect(stub.requests).toHaveLength(0);
    await b.stop();
  });

  it('refuses options that make no sense, naming them', () => {
    expect(() => new Bouncer({ url: stub.url, apiKey: 'k', cacheTtl: 'often' })).toThrow(/cacheTtl: 'often' is not a duration/);
    expect(() => new Bouncer({ url: stub.url, apiKey: 'k', mode: 'push' as 'live' })).toThrow(/mode: 'push'/);
    expect(() => new Bouncer({ url: stub.url, apiKey: 'k', failMode: 'maybe' as 'open' })).toThrow(/failMode/);
    expect(() => new Bouncer({ url: stub.url, apiKey: 'k', cacheSize: 0 })).toThrow(/cacheSize/);
  });
});

describe('Bouncer in stream mode', () => {
  it('starts with a full pull, then applies new and deleted decisions', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, mode: 'stream' }, { clock });
    stub.decisions = [decision('192.0.2.1', { id: 1 }), decision('2001:db8::/32', { id: 2, type: 'captcha' })];
    await b.pull();
    expect(stub.requests[0].url).toContain('startup=true');
    expect(b.checkCached('192.0.2.1')?.remediation).toBe('ban');
    expect(b.checkCached('2001:db8:9::1')?.remediation).toBe('captcha');
    expect(b.checkCached('192.0.2.2')?.remediation).toBeNull();

    stub.next = { new: [decision('192.0.2.2', { id: 3 })], deleted: [decision('192.0.2.1', { id: 1 })] };
    const r = await b.pull();
    expect(r).toMatchObject({ added: 1, removed: 1 });
    expect(stub.requests[1].url).toContain('startup=false');
    expect(b.checkCached('192.0.2.1')?.remediation).toBeNull();
    expect(b.checkCached('192.0.2.2')?.decision?.id).toBe(3);
    expect(b.metrics()).toMatchObject({ pulls: 2, decisions: 2 });
    await b.stop();
  });

  it('expires held decisions on its own clock between pulls', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, mode: 'stream' }, { clock });
    stub.decisions = [decision('192.0.2.1', { duration: '1m' })];
    await b.pull();
    clock.advance(60_000);
    expect(b.checkCached('192.0.2.1')?.remediation).toBeNull();
    await b.stop();
  });

  it('keeps enforcing what it holds while the API is down, and resyncs fully once it is back', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, mode: 'stream', failMode: 'open' }, { clock });
    stub.decisions = [decision('192.0.2.1')];
    await b.pull();
    stub.override = { status: 503, body: '' };
    expect(await b.pull()).toBeNull();
    expect(b.checkCached('192.0.2.1')?.remediation).toBe('ban');
    stub.override = null;
    stub.decisions = [decision('192.0.2.7', { id: 9 })];
    await b.pull();
    expect(stub.requests[stub.requests.length - 1].url).toContain('startup=true');
    expect(b.checkCached('192.0.2.1')?.remediation).toBeNull();
    expect(b.checkCached('192.0.2.7')?.remediation).toBe('ban');
    await b.stop();
  });

  it('in fail-closed mode bans everyone before the first pull and once the data is stale', async () => {
    const clock = new ManualClock(T);
    const b = new Bouncer({ url: stub.url, apiKey: stub.key, mode: 'stream', failMode: 'closed', staleAfter: '1m' }, { clock });
    expect(b.checkCached('192.0.2.50')).toEqual({ remediation: 'ban', failed: true });
    await b.pull();
    expect(b.checkCached('192.0.2.50')?.remediation).toBeNull();
    stub.override = { status: 500, body: '' };
    clock.advance(60_001);
    await b.pull();
    expect(b.checkCached('192.0.2.50')).toEqual({ remediation: 'ban', failed: true });
    await b.stop();
  });

  it('in fail-open mode lets everyone through before the first pull succeeds', async () => {
    const b = new Bouncer({ url: dead, apiKey: 'k', mode: 'stream', failMode: 'open' }, { clock: new ManualClock(T) });
    await b.start();
    expect(b.checkCached('192.0.2.50')).toEqual({ remediation: null, failed: true });
    expect(b.metrics()).toMatchObject({ apiErrors: 1, pulls: 0, failOpen: 1, apiReachable: false });
    await b.stop();
  });
});
