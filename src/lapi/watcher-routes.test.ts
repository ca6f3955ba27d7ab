import { afterEach, describe, expect, it } from 'vitest';
import { SECRET, T0, startKit, type Kit } from './test-kit.js';

let kit: Kit;
afterEach(async () => {
  await kit?.close();
});

const UA = { 'user-agent': 'crowdsec/v1.6.4-debian-pragmatic-amd64' };

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return kit.server.app.inject({ method: 'POST', url, headers: { ...UA, ...headers }, payload: payload as object });
}

describe('POST /v1/watchers and /v1/watchers/login', () => {
  it('registers an unvalidated machine (201) that cannot log in until validated, then gets a token', async () => {
    kit = await startKit();
    const reg = await post('/v1/watchers', { machine_id: 'agent-1', password: 'p4ssw0rd-long' });
    expect(reg.statusCode).toBe(201);
    expect(reg.body).toBe('');
    const refused = await post('/v1/watchers/login', { machine_id: 'agent-1', password: 'p4ssw0rd-long' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ code: 401, message: 'machine agent-1 not validated' });

    expect(await kit.store.updateMachine('agent-1', { isValidated: true })).toBe(true); // herd machines validate
    const ok = await post('/v1/watchers/login', { machine_id: 'agent-1', password: 'p4ssw0rd-long', scenarios: ['crowdsecurity/ssh-bf', 'crowdsecurity/http-probing'] });
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as { code: number; expire: string; token: string };
    expect(Object.keys(body)).toEqual(['code', 'expire', 'token']);
    expect(body.code).toBe(200);
    expect(body.expire).toBe('2025-01-01T13:00:00Z');
    expect(body.token.split('.')).toHaveLength(3);
    await kit.server.close();
    expect(await kit.store.getMachine('agent-1')).toMatchObject({
      isValidated: true,
      ipAddress: '127.0.0.1',
      version: 'v1.6.4-debian-pragmatic-amd64',
      scenarios: 'crowdsecurity/ssh-bf,crowdsecurity/http-probing',
      authType: 'password',
    });
  });

  it('validates at once (202) a machine that registers with the registration token, and refuses a wrong token (401)', async () => {
    const token = 'registration-token-registration-token-0123';
    kit = await startKit({ registrationToken: token });
    expect((await post('/v1/watchers', { machine_id: 'a', password: 'pw', registration_token: token })).statusCode).toBe(202);
    expect((await post('/v1/watchers/login', { machine_id: 'a', password: 'pw' })).statusCode).toBe(200);
    const wrong = await post('/v1/watchers', { machine_id: 'b', password: 'pw', registration_token: 'x'.repeat(40) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ message: 'invalid token for auto registration' });
    expect(await kit.store.getMachine('b')).toBeNull();
  });

  it('answers 403 for a machine id that exists, and 400 naming the field for a bad body', async () => {
    kit = await startKit();
    await kit.addMachine('agent', 'pw');
    const again = await post('/v1/watchers', { machine_id: 'agent', password: 'other' });
    expect(again.statusCode).toBe(403);
    expect(again.json()).toEqual({ message: "user 'agent': user already exist" });
    const missing = await post('/v1/watchers', { password: 'pw' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ message: 'validation failure list:\nmachine_id in body is required' });
    const wrongType = await post('/v1/watchers/login', { machine_id: 'agent', password: 42 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toEqual({ message: 'validation failure list:\npassword in body must be of type string' });
    const short = await post('/v1/watchers', { machine_id: 'x', password: 'pw', registration_token: 'short' });
    expect(short.statusCode).toBe(400);
    expect((short.json() as { message: string }).message).toContain('registration_token in body should have >=32 characters');
  });

  it('answers the same 401 for an unknown machine and a wrong password', async () => {
    kit = await startKit();
    await kit.addMachine('agent', 'right-password');
    const unknown = await post('/v1/watchers/login', { machine_id: 'nobody', password: 'x' });
    const wrong = await post('/v1/watchers/login', { machine_id: 'agent', password: 'wrong-password' });
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 401, message: 'incorrect Username or Password' });
    }
  });

  it('rate-limits login attempts per client address with 429 and Retry-After', async () => {
    kit = await startKit({ loginRateLimit: { burst: 3, perMinute: 6 } });
    await kit.addMachine('agent', 'pw');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await post('/v1/watchers/login', { machine_id: 'agent', password: 'bad' })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const limited = await post('/v1/watchers/login', { machine_id: 'agent', password: 'pw' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    // Another address has its own bucket; time gives tokens back.
    const other = await kit.server.app.inject({ method: 'POST', url: '/v1/watchers/login', remoteAddress: '192.0.2.50', headers: UA, payload: { machine_id: 'agent', password: 'pw' } });
    expect(other.statusCode).toBe(200);
    kit.clock.advance(10_000);
    expect((await post('/v1/watchers/login', { machine_id: 'agent', password: 'pw' })).statusCode).toBe(200);
  });
});

describe('machine tokens', () => {
  it('refuses machine routes without a token, with a bad one, an expired one, or for a deleted machine (401)', async () => {
    kit = await startKit();
    await kit.addMachine('agent', 'pw');
    const hb = (authorization?: string) => kit.server.app.inject({ method: 'GET', url: '/v1/heartbeat', headers: authorization ? { authorization } : {} });
    expect((await hb()).json()).toEqual({ code: 401, message: 'auth header is empty' });
    expect((await hb('Basic abc')).json()).toEqual({ code: 401, message: 'auth header is invalid' });
    expect((await hb('Bearer not.a.token')).statusCode).toBe(401);
    const auth = await kit.login('agent', 'pw');
    expect((await hb(auth)).statusCode).toBe(200);
    const forged = auth.slice(0, -4) + (auth.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await hb(forged)).json()).toEqual({ code: 401, message: 'signature is invalid' });
    kit.clock.advance(3600_000 + 1000);
    expect((await hb(auth)).json()).toEqual({ code: 401, message: 'Token is expired' });
    const fresh = await kit.login('agent', 'pw');
    await kit.store.deleteMachine('agent');
    expect((await hb(fresh)).json()).toEqual({ code: 401, message: 'machine agent does not exist' });
  });

  it('refuses a JWT secret shorter than 32 bytes at start-up', async () => {
    await expect(startKit({ jwtSecret: 'short' })).rejects.toMatchObject({ code: 'HERD_LAPI_CONFIG' });
    kit = await startKit({ jwtSecret: SECRET });
  });
});

describe('GET /v1/heartbeat, DELETE /v1/watchers/self, POST /v1/usage-metrics', () => {
  it('records the heartbeat time of the machine', async () => {
    kit = await startKit();
    await kit.addMachine('agent', 'pw');
    const auth = await kit.login('agent', 'pw');
    kit.clock.advance(5000);
    const res = await kit.server.app.inject({ method: 'GET', url: '/v1/heartbeat', headers: { authorization: auth } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await kit.server.close();
    expect((await kit.store.getMachine('agent'))?.lastHeartbeat).toBe(T0 + 5000);
  });

  it('lets a machine delete itself (204)', async () => {
    kit = await startKit();
    await kit.addMachine('agent', 'pw');
    const auth = await kit.login('agent', 'pw');
    const res = await kit.server.app.inject({ method: 'DELETE', url: '/v1/watchers/self', headers: { authorization: auth } });
    expect(res.statusCode).toBe(204);
    expect(await kit.store.getMachine('agent')).toBeNull();
  });

  it('stores usage metrics of a bouncer (API key) and of a machine (token), and refuses malformed ones (422)', async () => {
    kit = await startKit();
    const key = await kit.addBouncer('fw');
    await kit.addMachine('agent', 'pw');
    const auth = await kit.login('agent', 'pw');
    const base = { version: 'v0.0.31', utc_startup_timestamp: 1735732800, os: { name: 'debian', version: '12' }, metrics: [{ meta: { window_size_seconds: 1800, utc_now_timestamp: 1735734600 }, items: [{ name: 'dropped', value: 12, unit: 'packet', labels: { origin: 'CAPI' } }] }] };
    const rc = await post('/v1/usage-metrics', { remediation_components: [{ ...base, type: 'crowdsec-firewall-bouncer' }] }, { 'x-api-key': key });
    expect(rc.statusCode).toBe(201);
    const lp = await post('/v1/usage-metrics', { log_processors: [{ ...base, hub_items: {}, datasources: { file: 2 } }] }, { authorization: auth });
    expect(lp.statusCode).toBe(201);
    const reports = await kit.store.listUsageMetrics();
    expect(reports.map((r) => [r.kind, r.name])).toEqual([
      ['bouncer', 'fw'],
      ['machine', 'agent'],
    ]);
    expect(JSON.parse(reports[0].payload)).toMatchObject({ type: 'crowdsec-firewall-bouncer', version: 'v0.0.31' });
    const bad = await post('/v1/usage-metrics', { remediation_components: [{ version: 'x' }] }, { 'x-api-key': key });
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { message: string }).message).toContain('remediation_components.0.utc_startup_timestamp in body is required');
    const wrongKind = await post('/v1/usage-metrics', { log_processors: [{ ...base, hub_items: {}, datasources: {} }] }, { 'x-api-key': key });
    expect(wrongKind.statusCode).toBe(400);
    expect((await post('/v1/usage-metrics', {}, {})).statusCode).toBe(401);
  });
});
