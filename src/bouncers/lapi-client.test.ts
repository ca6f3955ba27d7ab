import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { LapiClient } from './lapi-client.js';
import { deadUrl, decision, startStubLapi, type StubLapi } from './test-kit.js';

let stub: StubLapi;
beforeAll(async () => {
  stub = await startStubLapi();
});
afterAll(async () => stub.close());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return (err as HerdError).code;
  }
  return 'no error';
}

describe('LapiClient', () => {
  it('asks about one IP with the API key and a herd User-Agent, and reads null as no decision', async () => {
    const client = new LapiClient({ url: stub.url, apiKey: stub.key });
    stub.decisions = [decision('192.0.2.1', { id: 7 })];
    expect(await client.decisionsForIp('192.0.2.1')).toEqual([decision('192.0.2.1', { id: 7 })]);
    expect(await client.decisionsForIp('192.0.2.2')).toEqual([]);
    const req = stub.requests[stub.requests.length - 1];
    expect(req.url).toBe('/v1/decisions?ip=192.0.2.2');
    expect(req.headers['x-api-key']).toBe(stub.key);
    expect(req.headers['user-agent']).toMatch(/^herd-bouncer\/v\d+\.\d+\.\d+/);
    client.close();
  });

  it('pulls the stream with startup and the scope filter, as CrowdSec bouncers do', async () => {
    const client = new LapiClient({ url: stub.url.replace(/\/$/, ''), apiKey: stub.key, origins: ['cscli', 'crowdsec'] });
    stub.decisions = [decision('192.0.2.1')];
    const first = await client.stream(true);
    expect(first.new.map((d) => d.value)).toEqual(['192.0.2.1']);
    expect(first.deleted).toEqual([]);
    expect(stub.requests[stub.requests.length - 1].url).toBe('/v1/decisions/stream?startup=true&scopes=ip%2Crange&origins=cscli%2Ccrowdsec');
    stub.next = { new: [], deleted: [decision('192.0.2.1')] };
    const second = await client.stream(false);
    expect(second.deleted).toHaveLength(1);
    client.close();
  });

  it('counts entries that are not decisions instead of failing', async () => {
    const client = new LapiClient({ url: stub.url, apiKey: stub.key });
    stub.override = { status: 200, body: '{"new":[{"value":"x"},{"id":1,"type":"ban","scope":"Ip","value":"192.0.2.1","duration":"1h"}],"deleted":null}' };
    try {
      const s = await client.stream(true);
      expect(s.new).toHaveLength(1);
      expect(s.invalid).toBe(1);
    } finally {
      stub.override = null;
      client.close();
    }
  });

  it('types its failures: refused key, HTTP error, not JSON, unreachable, too slow', async () => {
    const bad = new LapiClient({ url: stub.url, apiKey: 'wrong-key-0123456789' });
    expect(await codeOf(bad.decisionsForIp('192.0.2.1'))).toBe('HERD_BOUNCER_API_AUTH');
    bad.close();

    const client = new LapiClient({ url: stub.url, apiKey: stub.key });
    stub.override = { status: 500, body: '{"message":"boom"}' };
    expect(await codeOf(client.stream(true))).toBe('HERD_BOUNCER_API_STATUS');
    stub.override = { status: 200, body: '<html>' };
    expect(await codeOf(client.stream(true))).toBe('HERD_BOUNCER_API_RESPONSE');
    stub.override = { status: 200, body: '[]' };
    expect(await codeOf(client.stream(true))).toBe('HERD_BOUNCER_API_RESPONSE');
    stub.override = null;
    client.close();

    const dead = new LapiClient({ url: await deadUrl(), apiKey: stub.key });
    expect(await codeOf(dead.decisionsForIp('192.0.2.1'))).toBe('HERD_BOUNCER_API_UNREACHABLE');
    dead.close();

    // A server that accepts and never answers.
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = new LapiClient({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, apiKey: stub.key, timeoutMs: 100 });
    expect(await codeOf(slow.decisionsForIp('192.0.2.1'))).toBe('HERD_BOUNCER_API_TIMEOUT');
    slow.close();
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('refuses an answer larger than its limit', async () => {
    const client = new LapiClient({ url: stub.url, apiKey: stub.key, maxResponseBytes: 64 });
    stub.decisions = Array.from({ length: 5 }, (_, i) => decision(`192.0.2.${i}`, { id: i + 1 }));
    expect(await codeOf(client.stream(true))).toBe('HERD_BOUNCER_API_RESPONSE');
    client.close();
  });

  it('refuses a URL that is not http(s) or an empty key at construction', () => {
    expect(() => new LapiClient({ url: 'ftp://x/', apiKey: 'k' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new LapiClient({ url: 'not a url', apiKey: 'k' })).toThrow(/not a URL/);
    expect(() => new LapiClient({ url: 'http://127.0.0.1:8080', apiKey: '' })).toThrow(/API key is empty/);
  });
});
