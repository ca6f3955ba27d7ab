import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKit, type Kit } from './test-kit.js';

/** Certificates made with openssl for the test: a CA, the server, and clients in each OU. */
function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const OPENSSL = haveOpenssl();
if (!OPENSSL) console.warn('lapi TLS tests skipped: openssl not found (Debian package openssl)');

const dir = mkdtempSync(join(tmpdir(), 'herd-lapi-tls-'));
const file = (name: string) => join(dir, name);

function ssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
}

function issue(name: string, subject: string, ext: string): void {
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  writeFileSync(file(`${name}.ext`), ext);
  ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
}

beforeAll(() => {
  if (!OPENSSL) return;
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=herd test CA', '-days', '2');
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('bouncer', '/OU=bouncer-ou/CN=nginx', 'extendedKeyUsage=clientAuth\n');
  issue('agent', '/OU=agent-ou/CN=web-1', 'extendedKeyUsage=clientAuth\n');
  issue('stranger', '/OU=other/CN=who', 'extendedKeyUsage=clientAuth\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let kit: Kit;
afterEach(async () => {
  await kit?.close();
});

function call(url: string, method: string, path: string, client: string | null, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        ca: readFileSync(file('ca.crt')),
        ...(client ? { key: readFileSync(file(`${client}.key`)), cert: readFileSync(file(`${client}.crt`)) } : {}),
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const tls = (clientVerification: 'request' | 'require') => ({
  certFile: file('server.crt'),
  keyFile: file('server.key'),
  caFile: file('ca.crt'),
  clientVerification,
});

describe.skipIf(!OPENSSL)('the local API over TLS', () => {
  it('authenticates bouncers and agents by client certificate OU, as CrowdSec (<CN>@<ip>)', async () => {
    kit = await startKit({ tls: tls('request') });
    const url = await kit.server.listen();
    expect(url).toMatch(/^https:/);
    const s = await call(url, 'GET', '/v1/decisions/stream?startup=true', 'bouncer', { 'User-Agent': 'cs-nginx-bouncer/v1.0.8' });
    expect(s.status).toBe(200);
    expect(await kit.store.getBouncer('nginx@127.0.0.1')).toMatchObject({ authType: 'tls' });
    const login = await call(url, 'POST', '/v1/watchers/login', 'agent', { 'User-Agent': 'crowdsec/v1.6.4' }, JSON.stringify({ machine_id: '', password: '', scenarios: ['crowdsecurity/ssh-bf'] }));
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.body) as { token: string }).token;
    expect(await kit.store.getMachine('web-1@127.0.0.1')).toMatchObject({ authType: 'tls', isValidated: true });
    expect((await call(url, 'GET', '/v1/heartbeat', 'agent', { Authorization: `Bearer ${token}` })).status).toBe(200);
    // A certificate of another OU is no credential; an API key still works without a certificate.
    expect((await call(url, 'GET', '/v1/decisions/stream?startup=true', 'stranger')).status).toBe(403);
    const key = await kit.addBouncer('fw');
    expect((await call(url, 'GET', '/v1/decisions/stream?startup=true', null, { 'X-Api-Key': key })).status).toBe(200);
  });

  it('refuses clients without a certificate when verification is required', async () => {
    kit = await startKit({ tls: tls('require') });
    const url = await kit.server.listen();
    await expect(call(url, 'GET', '/health', null)).rejects.toThrow();
    await kit.server.ready();
    expect((await call(url, 'GET', '/health', 'bouncer')).body).toBe('{"status":"up"}');
  });
});
