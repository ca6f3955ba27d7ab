import { request } from 'node:http';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { FIREWALL_UA, T0, startKit, wireAlert, type Kit } from './test-kit.js';

let kit: Kit;
afterEach(async () => {
  await kit?.close();
});

/** A raw HTTP/1.1 request, headers exactly as given (what a Go client puts on the wire). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('the API server', () => {
  it('answers /health 503 until decisions are loaded, then {"status":"up"}', async () => {
    kit = await startKit();
    const before = await kit.server.app.inject({ method: 'GET', url: '/health' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ status: 'starting' });
    await kit.server.ready();
    const after = await kit.server.app.inject({ method: 'GET', url: '/health' });
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe('{"status":"up"}');
  });

  it('serves Prometheus metrics: requests, bouncer requests, alerts received, active decisions, and metrics registered by herd', async () => {
    kit = await startKit();
    const extra = new Counter({ name: 'herd_lines_read_total', help: 'lines read', registers: [kit.server.registry] });
    extra.inc(3);
    const key = await kit.addBouncer('fw');
    await kit.addMachine('agent', 'pw');
    const auth = await kit.login('agent', 'pw');
    await kit.server.ready();
    await kit.server.app.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: auth }, payload: [wireAlert('192.0.2.1'), wireAlert('192.0.2.2')] });
    await kit.server.app.inject({ method: 'GET', url: '/v1/decisions/stream?startup=true', headers: { 'x-api-key': key, 'user-agent': FIREWALL_UA } });
    const res = await kit.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const samples = new Map<string, number>();
    for (const line of res.body.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (-?[\d.e+]+|NaN|[+-]Inf)$/.exec(line);
      expect(m, line).not.toBeNull();
      samples.set(m![1], Number(m![2]));
    }
    expect(samples.get('herd_lapi_alerts_received_total{machine="agent"}')).toBe(2);
    expect(samples.get('herd_lapi_bouncer_requests_total{bouncer="fw",route="/v1/decisions/stream",method="GET"}')).toBe(1);
    expect(samples.get('herd_lapi_requests_total{route="/v1/alerts",method="POST",status="201"}')).toBe(1);
    expect(samples.get('herd_lapi_active_decisions{origin="crowdsec",scenario="crowdsecurity/ssh-bf",type="ban"}')).toBe(2);
    expect(samples.get('herd_lines_read_total')).toBe(3);
  });

  it('serves an OpenAPI description of its routes, and JSON errors for unknown ones', async () => {
    kit = await startKit();
    const doc = (await kit.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths['/v1/decisions/stream'])).toEqual(['get', 'head']);
    expect(Object.keys(doc.paths['/v1/alerts'])).toEqual(['post', 'get', 'head', 'delete']);
    const missing = await kit.server.app.inject({ method: 'GET', url: '/v1/nothing?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ message: 'no route GET /v1/nothing' });
  });

  it('serves what go-cs-bouncer sends on a real socket, byte for byte', async () => {
    kit = await startKit();
    const key = await kit.addBouncer('fw');
    const d = await kit.addDecision({ value: '192.0.2.1', uuid: '3f1d2c4e-0000-4000-8000-000000000001' });
    const url = await kit.server.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const headers = { 'User-Agent': FIREWALL_UA, 'X-Api-Key': key, 'Accept-Encoding': 'gzip' };
    kit.clock.advance(2000);
    const start = await raw(url, 'GET', '/v1/decisions/stream?startup=true&scopes=ip,range', headers);
    expect(start.status).toBe(200);
    expect(start.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(start.body).toBe(
      `{"deleted":null,"new":[{"duration":"3h59m58s","id":${d.id},"origin":"cscli","scenario":"manual ban","scope":"Ip","type":"ban","uuid":"3f1d2c4e-0000-4000-8000-000000000001","value":"192.0.2.1"}]}`,
    );
    kit.clock.advance(10_000);
    const next = await raw(url, 'GET', '/v1/decisions/stream?startup=false&scopes=ip,range', headers);
    expect(next.body).toBe('{"deleted":null,"new":null}');
    const live = await raw(url, 'GET', '/v1/decisions?ip=192.0.2.1', { ...headers, 'User-Agent': 'cs-nginx-bouncer/v1.0.8' });
    expect(JSON.parse(live.body)).toEqual([expect.objectContaining({ id: d.id, duration: '3h59m48s', value: '192.0.2.1' })]);
    const forbidden = await raw(url, 'GET', '/v1/decisions/stream?startup=true', { 'User-Agent': FIREWALL_UA, 'X-Api-Key': 'nope' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toBe('{"message":"access forbidden"}');
  });

  it('takes an agent from registration to pushed alerts over a real socket, and its bans reach a bouncer', async () => {
    kit = await startKit({ registrationToken: 'a'.repeat(32) });
    const key = await kit.addBouncer('fw');
    const url = await kit.server.listen();
    const json = { 'Content-Type': 'application/json', 'User-Agent': 'crowdsec/v1.6.4-debian-pragmatic-amd64' };
    const reg = await raw(url, 'POST', '/v1/watchers', json, JSON.stringify({ machine_id: 'host-2', password: 'secret-secret' }));
    expect(reg.status).toBe(201);
    expect((await raw(url, 'POST', '/v1/watchers/login', json, JSON.stringify({ machine_id: 'host-2', password: 'secret-secret' }))).status).toBe(401);
    await kit.store.updateMachine('host-2', { isValidated: true });
    const login = await raw(url, 'POST', '/v1/watchers/login', json, JSON.stringify({ machine_id: 'host-2', password: 'secret-secret', scenarios: [] }));
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.body) as { token: string }).token;
    const pushed = await raw(url, 'POST', '/v1/alerts', { ...json, Authorization: `Bearer ${token}` }, JSON.stringify([wireAlert('203.0.113.50')]));
    expect(pushed.status).toBe(201);
    expect(JSON.parse(pushed.body)).toEqual(['1']);
    const s = await raw(url, 'GET', '/v1/decisions/stream?startup=true', { 'User-Agent': FIREWALL_UA, 'X-Api-Key': key });
    expect(JSON.parse(s.body)).toEqual({ deleted: null, new: [expect.objectContaining({ value: '203.0.113.50', duration: '4h0m0s', scope: 'Ip', type: 'ban' })] });
    const hb = await raw(url, 'GET', '/v1/heartbeat', { 'User-Agent': json['User-Agent'], Authorization: `Bearer ${token}` });
    expect(hb.status).toBe(200);
    expect(T0).toBe(kit.clock.now());
  });
});
