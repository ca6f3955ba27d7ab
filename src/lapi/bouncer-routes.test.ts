import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIREWALL_UA, HOUR, T0, startKit, wireAlert, type Kit } from './test-kit.js';

let kit: Kit;
let key: string;

beforeEach(async () => {
  kit = await startKit();
  key = await kit.addBouncer('fw');
});
afterEach(async () => {
  await kit.close();
});

/** A bouncer request; `apiKey` null sends none. */
function get(url: string, apiKey: string | null = key, method: 'GET' | 'HEAD' = 'GET') {
  const headers: Record<string, string> = { 'user-agent': FIREWALL_UA };
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  return kit.server.app.inject({ method, url, headers });
}

/** What go-cs-bouncer's StreamBouncer asks (apiclient DecisionsStreamOpts through go-querystring). */
const STARTUP = '/v1/decisions/stream?additional_pull=false&community_pull=false&scopes=ip%2Crange&startup=true';
const DELTA = '/v1/decisions/stream?additional_pull=false&community_pull=false&scopes=ip%2Crange';

describe('bouncer authentication', () => {
  it('refuses a missing or unknown API key with 403 {"message":"access forbidden"}', async () => {
    for (const k of [null, '', 'not-a-key']) {
      const res = await get('/v1/decisions', k);
      expect(res.statusCode).toBe(403);
      expect(res.body).toBe('{"message":"access forbidden"}');
    }
    expect((await get(STARTUP, 'wrong')).statusCode).toBe(403);
    expect((await get('/v1/decisions/stream', 'wrong', 'HEAD')).statusCode).toBe(403);
  });

  it("records the bouncer's address, type and version from its User-Agent, and its last pull", async () => {
    await kit.server.ready();
    await get(STARTUP);
    await kit.server.close();
    const b = await kit.store.getBouncer('fw');
    expect(b).toMatchObject({ ipAddress: '127.0.0.1', type: 'crowdsec-firewall-bouncer', version: 'v0.0.25-debian-pragmatic-amd64-2d2d2d', lastPull: T0 });
  });

  it('stops accepting a key once its bouncer is deleted', async () => {
    await kit.server.ready();
    expect((await get('/v1/decisions')).statusCode).toBe(200);
    await kit.store.deleteBouncer('fw');
    expect((await get('/v1/decisions')).statusCode).toBe(403);
  });
});

describe('GET /v1/decisions/stream, as go-cs-bouncer uses it', () => {
  it('answers start-up with the longest active decision per value and type in scopes ip and range, in CrowdSec bytes', async () => {
    const ip = await kit.addDecision({ value: '192.0.2.1', uuid: 'u-1' });
    await kit.addDecision({ value: '192.0.2.1', uuid: 'u-2', until: T0 + HOUR }); // shorter: left out
    const range = await kit.addDecision({ scope: 'Range', value: '198.51.100.0/24', uuid: 'u-3', origin: 'crowdsec', scenario: 'crowdsecurity/ssh-bf', until: T0 + 2 * HOUR + 1500 });
    await kit.addDecision({ scope: 'Country', value: 'XX', uuid: 'u-4' }); // not in ip,range
    await kit.addDecision({ value: '192.0.2.9', uuid: 'u-5', simulated: true }); // bouncers never get simulated
    await kit.addDecision({ value: '192.0.2.8', uuid: 'u-6', until: T0 - 1 }); // already over
    await kit.server.ready();
    kit.clock.advance(2000);
    const res = await get(STARTUP);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toBe(
      '{"deleted":[{"duration":"-2s","id":6,"origin":"cscli","scenario":"manual ban","scope":"Ip","type":"ban","uuid":"u-6","value":"192.0.2.8"}],' +
        `"new":[{"duration":"3h59m58s","id":${ip.id},"origin":"cscli","scenario":"manual ban","scope":"Ip","type":"ban","uuid":"u-1","value":"192.0.2.1"},` +
        `{"duration":"2h0m0s","id":${range.id},"origin":"crowdsec","scenario":"crowdsecurity/ssh-bf","scope":"Range","type":"ban","uuid":"u-3","value":"198.51.100.0/24"}]}`,
    );
  });

  it('answers null lists when there is nothing, then only what changed since the previous pull', async () => {
    await kit.server.ready();
    expect((await get(STARTUP)).body).toBe('{"deleted":null,"new":null}');
    kit.clock.advance(10_000);
    expect((await get(DELTA)).body).toBe('{"deleted":null,"new":null}');

    // Written by another process (herd decisions add): seen at the next sync.
    const d = await kit.addDecision({ value: '203.0.113.5', uuid: 'u-new' });
    await kit.server.sync();
    kit.clock.advance(10_000);
    const added = JSON.parse((await get(DELTA)).body) as { new: { id: number; duration: string }[]; deleted: null };
    expect(added.deleted).toBeNull();
    expect(added.new.map((x) => [x.id, x.duration])).toEqual([[d.id, '3h59m50s']]);
    kit.clock.advance(10_000);
    expect((await get(DELTA)).body).toBe('{"deleted":null,"new":null}');
  });

  it('reports decisions that expire, and decisions deleted by a machine, as deleted once', async () => {
    const short = await kit.addDecision({ value: '203.0.113.1', until: T0 + 60_000 });
    const long = await kit.addDecision({ value: '203.0.113.2' });
    await kit.addMachine('agent', 'agent-password');
    const auth = await kit.login('agent', 'agent-password');
    await kit.server.ready();
    const start = JSON.parse((await get(STARTUP)).body) as { new: { id: number }[] };
    expect(start.new.map((x) => x.id)).toEqual([short.id, long.id]);

    kit.clock.advance(61_000);
    const expired = JSON.parse((await get(DELTA)).body) as { new: null; deleted: { id: number; duration: string }[] };
    expect(expired.new).toBeNull();
    expect(expired.deleted.map((x) => [x.id, x.duration])).toEqual([[short.id, '-1s']]);

    kit.clock.advance(10_000);
    const del = await kit.server.app.inject({ method: 'DELETE', url: '/v1/decisions?ip=203.0.113.2', headers: { authorization: auth } });
    expect(del.statusCode).toBe(200);
    expect(del.body).toBe('{"nbDeleted":"1"}');
    kit.clock.advance(10_000);
    const deleted = JSON.parse((await get(DELTA)).body) as { deleted: { id: number }[] };
    expect(deleted.deleted.map((x) => x.id)).toEqual([long.id]);
    kit.clock.advance(10_000);
    expect((await get(DELTA)).body).toBe('{"deleted":null,"new":null}');
  });

  it('gives every active decision to a bouncer that never pulled and asks without startup', async () => {
    const d = await kit.addDecision({ value: '203.0.113.7' });
    await kit.server.ready();
    kit.clock.advance(1000);
    const res = JSON.parse((await get(DELTA)).body) as { new: { id: number }[] };
    expect(res.new.map((x) => x.id)).toEqual([d.id]);
  });

  it('filters by origins, scenarios_containing, scenarios_not_containing and scopes', async () => {
    const a = await kit.addDecision({ value: '192.0.2.10', origin: 'crowdsec', scenario: 'crowdsecurity/ssh-bf' });
    const b = await kit.addDecision({ value: '192.0.2.11', origin: 'CAPI', scenario: 'crowdsecurity/http-probing' });
    const c = await kit.addDecision({ scope: 'AS', value: '64500', origin: 'cscli', scenario: 'manual' });
    await kit.server.ready();
    const ids = async (url: string) => ((JSON.parse((await get(url)).body) as { new: { id: number }[] | null }).new ?? []).map((x) => x.id);
    expect(await ids('/v1/decisions/stream?startup=true&origins=CAPI')).toEqual([b.id]);
    expect(await ids('/v1/decisions/stream?startup=true&scenarios_containing=SSH,nothing')).toEqual([a.id]);
    expect(await ids('/v1/decisions/stream?startup=true&scenarios_not_containing=ssh')).toEqual([b.id]);
    expect(await ids('/v1/decisions/stream?startup=true&scopes=as')).toEqual([c.id]);
    expect(await ids('/v1/decisions/stream?startup=true')).toEqual([a.id, b.id]);
  });

  it('answers HEAD with 200 and no body, without counting it as a pull', async () => {
    await kit.addDecision({ value: '192.0.2.20' });
    await kit.server.ready();
    const head = await get(STARTUP, key, 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    // Still a first pull: everything is new.
    const res = JSON.parse((await get(DELTA)).body) as { new: unknown[] };
    expect(res.new).toHaveLength(1);
  });

  it('sends decisions from alerts pushed by a machine at once, without waiting for a sync', async () => {
    await kit.addMachine('agent', 'agent-password');
    const auth = await kit.login('agent', 'agent-password');
    await kit.server.ready();
    await get(STARTUP);
    const push = await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth }, payload: [wireAlert('198.51.100.77')] });
    expect(push.statusCode).toBe(201);
    kit.clock.advance(1000);
    const res = JSON.parse((await get(DELTA)).body) as { new: { value: string; scenario: string; origin: string }[] };
    expect(res.new).toEqual([expect.objectContaining({ value: '198.51.100.77', scenario: 'crowdsecurity/ssh-bf', origin: 'crowdsec' })]);
  });
});

describe('GET /v1/decisions (live mode)', () => {
  it('answers the decisions on an IP and on ranges holding it, or null', async () => {
    const ip = await kit.addDecision({ value: '192.0.2.1' });
    const range = await kit.addDecision({ scope: 'Range', value: '192.0.2.0/24' });
    await kit.addDecision({ value: '192.0.2.2' });
    await kit.server.ready();
    kit.clock.advance(2000);
    const res = await get('/v1/decisions?ip=192.0.2.1');
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: number; duration: string }[];
    expect(list.map((d) => d.id)).toEqual([ip.id, range.id]);
    expect(list[0].duration).toBe('3h59m58s');
    expect((await get('/v1/decisions?ip=203.0.113.1')).body).toBe('null');
    expect((await get('/v1/decisions?ip=192.0.2.1', key, 'HEAD')).body).toBe('');
  });

  it('follows contains for ranges, and scope/value/type filters', async () => {
    const ip = await kit.addDecision({ value: '192.0.2.1' });
    const range = await kit.addDecision({ scope: 'Range', value: '192.0.2.0/24' });
    const captcha = await kit.addDecision({ value: '192.0.2.3', type: 'captcha' });
    const user = await kit.addDecision({ scope: 'username', value: 'root' });
    await kit.server.ready();
    const ids = async (url: string) => ((await get(url)).json() as { id: number }[] | null)?.map((d) => d.id) ?? [];
    expect(await ids('/v1/decisions?range=192.0.2.0/25')).toEqual([range.id]);
    expect(await ids('/v1/decisions?range=192.0.2.0/24&contains=false')).toEqual([ip.id, range.id, captcha.id]);
    expect(await ids('/v1/decisions?ip=192.0.2.1&contains=false')).toEqual([ip.id]);
    expect(await ids('/v1/decisions?scope=username&value=root')).toEqual([user.id]);
    expect(await ids('/v1/decisions?scope=ip&value=192.0.2.1')).toEqual([ip.id]);
    expect(await ids('/v1/decisions?type=captcha')).toEqual([captcha.id]);
    expect(await ids('/v1/decisions?ip=192.0.2.3&type=ban')).toEqual([range.id]);
  });

  it('refuses an invalid ip, range or contains with 400 naming the parameter', async () => {
    await kit.server.ready();
    for (const [url, word] of [
      ['/v1/decisions?ip=1.2.3', 'ip'],
      ['/v1/decisions?range=10.0.0.0/33', 'range'],
      ['/v1/decisions?ip=1.2.3.4&contains=maybe', 'contains'],
    ]) {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect((res.json() as { message: string }).message).toContain(word);
    }
  });
});
