import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIREWALL_UA, HOUR, T0, startKit, wireAlert, type Kit } from './test-kit.js';

let kit: Kit;
let auth: string;
let key: string;

beforeEach(async () => {
  kit = await startKit({ bodyLimit: 64 * 1024 });
  await kit.addMachine('agent', 'agent-password');
  auth = await kit.login('agent', 'agent-password');
  key = await kit.addBouncer('fw');
  await kit.server.ready();
});
afterEach(async () => {
  await kit.close();
});

function push(payload: unknown, headers: Record<string, string> = {}) {
  return kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth, ...headers }, payload: payload as object });
}

function machine(method: 'GET' | 'HEAD' | 'DELETE', url: string, remoteAddress = '127.0.0.1') {
  return kit.server.app.inject({ method, url, remoteAddress, headers: { authorization: auth } });
}

async function stream(startup: boolean) {
  const res = await kit.server.app.inject({
    method: 'GET',
    url: `/v1/decisions/stream${startup ? '?startup=true' : ''}`,
    headers: { 'x-api-key': key, 'user-agent': FIREWALL_UA },
  });
  return res.json() as { new: { id: number; value: string; duration: string }[] | null; deleted: { id: number; value: string }[] | null };
}

describe('POST /v1/alerts', () => {
  it('stores the alerts with the decisions the profiles give, answers their ids as strings, and bouncers get the bans', async () => {
    const res = await push([wireAlert('192.0.2.1'), wireAlert('192.0.2.2')]);
    expect(res.statusCode).toBe(201);
    const ids = res.json() as string[];
    expect(ids).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
    const stored = await kit.store.getAlert(Number(ids[0]));
    expect(stored).toMatchObject({
      machineId: 'agent',
      scenario: 'crowdsecurity/ssh-bf',
      source: { scope: 'Ip', value: '192.0.2.1', asName: 'Example AS', cn: 'FR' },
      eventsCount: 6,
      remediation: true,
    });
    expect(stored!.decisions).toEqual([expect.objectContaining({ type: 'ban', value: '192.0.2.1', origin: 'crowdsec', until: T0 + 4 * HOUR })]);
    const s = await stream(true);
    expect(s.new!.map((d) => d.value)).toEqual(['192.0.2.1', '192.0.2.2']);
    await kit.server.close();
    expect((await kit.store.getMachine('agent'))?.lastPush).toBe(T0);
  });

  it('is idempotent: a retried push stores each alert and its decisions once and answers the same ids', async () => {
    const body = [wireAlert('192.0.2.1'), wireAlert('192.0.2.2', { scenario: 'crowdsecurity/http-probing' })];
    const first = await push(body);
    kit.clock.advance(1000);
    const again = await push(body);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await kit.store.listAlerts({})).toHaveLength(2);
    expect(await kit.store.listDecisions({})).toHaveLength(2);
    // A client that sends its own uuid is deduplicated by it.
    const withUuid = [wireAlert('192.0.2.3', { uuid: 'c0ffee00-0000-4000-8000-000000000001' })];
    const a = await push(withUuid);
    const b = await push([wireAlert('192.0.2.3', { uuid: 'c0ffee00-0000-4000-8000-000000000001', message: 'changed' })]);
    expect(b.json()).toEqual(a.json());
    expect((await stream(true)).new).toHaveLength(3);
  });

  it('stores decisions that come with the alert as they are (cscli decisions add): until is stop_at plus the duration', async () => {
    const stop = new Date(T0 - 60_000).toISOString();
    const res = await push([
      wireAlert('10.1.2.3', {
        scenario: "manual 'ban' from 'cscli'",
        remediation: false,
        stop_at: stop,
        decisions: [{ duration: '1h', origin: 'cscli', scenario: "manual 'ban' from 'cscli'", scope: 'ip', type: 'ban', value: '10.1.2.3' }],
      }),
    ]);
    expect(res.statusCode).toBe(201);
    const [d] = await kit.store.listDecisions({});
    expect(d).toMatchObject({ origin: 'cscli', scope: 'Ip', value: '10.1.2.3', until: T0 - 60_000 + HOUR, alertId: Number((res.json() as string[])[0]) });
    expect((await stream(true)).new![0]).toMatchObject({ value: '10.1.2.3', duration: '59m0s' });
  });

  it('refuses an invalid body with 400 naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ not: 'an array' }, 'validation failure list:\nbody in body must be of type array'],
      [[wireAlert('192.0.2.1', { source: undefined })], 'validation failure list:\n0.source in body is required'],
      [[wireAlert('192.0.2.1'), wireAlert('192.0.2.2', { events_count: 'six' })], 'validation failure list:\n1.events_count in body must be of type number'],
      [[wireAlert('192.0.2.1', { capacity: 1.5 })], 'validation failure list:\n0.capacity in body must be of type integer'],
      [
        [wireAlert('192.0.2.1', { decisions: [{ duration: '1 hour', origin: 'cscli', scenario: 's', scope: 'Ip', type: 'ban', value: '192.0.2.1' }] })],
        '0.decisions.0.duration in body must be a Go duration (such as 4h or 90m), not "1 hour"',
      ],
      [
        [wireAlert('192.0.2.1', { decisions: [{ duration: '1h', origin: 'cscli', scenario: 's', scope: 'Range', type: 'ban', value: '10.0.0.0/40' }] })],
        '0.decisions.0.value in body must be an IP address or a CIDR range for scope Range, not "10.0.0.0/40"',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await push(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ message });
    }
    expect(await kit.store.listAlerts({})).toHaveLength(0);
  });

  it('ignores fields it does not know, as Go does', async () => {
    const res = await push([wireAlert('192.0.2.1', { kind: 'crowdsec', unknown_field: { a: 1 } })]);
    expect(res.statusCode).toBe(201);
  });

  it('answers 400 to a body that is not JSON and 413 to one over the limit, without stack traces', async () => {
    const bad = await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth, 'content-type': 'application/json' }, payload: '[{"scenario":' });
    expect(bad.statusCode).toBe(400);
    const msg = (bad.json() as { message: string }).message;
    expect(msg).toMatch(/^the body is not valid JSON/);
    expect(msg).not.toMatch(/\bat .*\.js/);
    const noType = await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth, 'content-type': 'text/plain' }, payload: JSON.stringify([wireAlert('192.0.2.9')]) });
    expect(noType.statusCode).toBe(201);
    const big = await push([wireAlert('192.0.2.1', { message: 'x'.repeat(70 * 1024) })]);
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ message: 'the request body is larger than 65536 bytes' });
    const proto = await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth, 'content-type': 'application/json' }, payload: '[{"__proto__":{"x":1}}]' });
    expect(proto.statusCode).toBe(400);
  });

  it('refuses a push without a valid token (401)', async () => {
    const res = await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', payload: [wireAlert('192.0.2.1')] });
    expect(res.statusCode).toBe(401);
    expect(await kit.store.listAlerts({})).toHaveLength(0);
  });
});

describe('GET /v1/alerts and /v1/alerts/:id', () => {
  it("writes alerts in CrowdSec's model, newest first, filtered, null when none", async () => {
    const ids = (await push([wireAlert('192.0.2.1'), wireAlert('198.51.100.1', { scenario: 'crowdsecurity/http-probing' })])).json() as string[];
    kit.clock.advance(2000);
    const res = await machine('GET', '/v1/alerts');
    expect(res.statusCode).toBe(200);
    const list = res.json() as Record<string, unknown>[];
    expect(list.map((a) => a.id)).toEqual([Number(ids[1]), Number(ids[0])]);
    const a = list[1];
    expect(Object.keys(a)).toEqual([
      'capacity', 'created_at', 'decisions', 'events', 'events_count', 'id', 'labels', 'leakspeed', 'machine_id', 'message',
      'remediation', 'scenario', 'scenario_hash', 'scenario_version', 'simulated', 'source', 'start_at', 'stop_at', 'uuid',
    ]);
    expect(a).toMatchObject({ created_at: '2025-01-01T12:00:00Z', machine_id: 'agent', labels: null, events_count: 6 });
    expect(a.source).toEqual({ as_name: 'Example AS', as_number: '64500', cn: 'FR', ip: '192.0.2.1', latitude: 48.85, longitude: 2.35, range: '192.0.2.0/24', scope: 'Ip', value: '192.0.2.1' });
    expect(a.decisions).toEqual([
      { duration: '3h59m58s', id: expect.any(Number), origin: 'crowdsec', scenario: 'crowdsecurity/ssh-bf', scope: 'Ip', simulated: false, type: 'ban', uuid: expect.any(String), value: '192.0.2.1' },
    ]);
    expect(((await machine('GET', '/v1/alerts?scenario=crowdsecurity/http-probing')).json() as { id: number }[]).map((x) => x.id)).toEqual([Number(ids[1])]);
    expect(((await machine('GET', '/v1/alerts?ip=192.0.2.1')).json() as { id: number }[]).map((x) => x.id)).toEqual([Number(ids[0])]);
    expect(((await machine('GET', '/v1/alerts?limit=1')).json() as unknown[]).length).toBe(1);
    expect(((await machine('GET', '/v1/alerts?decision_type=captcha')).body)).toBe('null');
    expect((await machine('GET', '/v1/alerts?since=1s')).body).toBe('null');
    expect((await machine('GET', '/v1/alerts?since=1d')).json()).toHaveLength(2);
    expect((await machine('GET', '/v1/alerts?since=tomorrow')).statusCode).toBe(400);
    expect((await machine('HEAD', '/v1/alerts')).body).toBe('');
    const one = await machine('GET', `/v1/alerts/${ids[0]}`);
    expect(one.json()).toEqual(a);
    expect((await machine('HEAD', `/v1/alerts/${ids[0]}`)).statusCode).toBe(200);
    expect((await machine('GET', '/v1/alerts/999')).statusCode).toBe(404);
    expect((await machine('GET', '/v1/alerts/abc')).json()).toEqual({ message: 'alert_id must be valid integer' });
  });
});

describe('DELETE /v1/alerts and /v1/decisions', () => {
  it('deletes alerts only from loopback or trusted addresses; their decisions go to bouncers as deleted', async () => {
    const ids = (await push([wireAlert('192.0.2.1'), wireAlert('192.0.2.2')])).json() as string[];
    await stream(true);
    const remote = await machine('DELETE', '/v1/alerts?ip=192.0.2.1', '203.0.113.9');
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toEqual({ message: 'access forbidden from this IP (203.0.113.9)' });
    const res = await machine('DELETE', '/v1/alerts?ip=192.0.2.1');
    expect(res.json()).toEqual({ nbDeleted: '1' });
    kit.clock.advance(1000);
    const s = await stream(false);
    expect(s.deleted!.map((d) => d.value)).toEqual(['192.0.2.1']);
    const byId = await machine('DELETE', `/v1/alerts/${ids[1]}`);
    expect(byId.json()).toEqual({ nbDeleted: '1' });
    expect(await kit.store.listAlerts({})).toHaveLength(0);
    expect((await machine('DELETE', `/v1/alerts/${ids[1]}`)).statusCode).toBe(404);
  });

  it('ends one decision by id (404 when there is none) and many by filter', async () => {
    const a = await kit.addDecision({ value: '192.0.2.1' });
    await kit.addDecision({ value: '192.0.2.2', type: 'captcha' });
    await kit.addDecision({ scope: 'Range', value: '192.0.2.0/24' });
    await kit.server.sync();
    expect((await machine('DELETE', `/v1/decisions/${a.id}`)).json()).toEqual({ nbDeleted: '1' });
    expect((await machine('DELETE', `/v1/decisions/${a.id}`)).statusCode).toBe(404);
    expect((await machine('DELETE', '/v1/decisions/x')).json()).toEqual({ message: 'decision_id must be valid integer' });
    expect((await machine('DELETE', '/v1/decisions?type=captcha')).json()).toEqual({ nbDeleted: '1' });
    expect((await machine('DELETE', '/v1/decisions?ip=bad')).statusCode).toBe(400);
    expect((await stream(true)).new!.map((d) => d.value)).toEqual(['192.0.2.0/24']);
    const all = await kit.server.app.inject({ method: 'DELETE', url: '/v1/decisions', headers: { authorization: auth, 'content-type': 'application/json' } });
    expect(all.json()).toEqual({ nbDeleted: '1' });
    expect((await stream(true)).new).toBeNull();
  });
});
