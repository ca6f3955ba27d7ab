import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLocalHost, tlsCheck } from './tls.js';
import { restApi, runCheck } from './test-kit.js';

describe('config.tls', () => {
  it('exempts loopback and private addresses from the plain-HTTP rule, and only them', () => {
    for (const h of ['127.0.0.1', 'localhost', 'api.localhost', '[::1]', '10.1.2.3', '172.20.0.1', '192.168.1.10', '[fd00::1]']) expect(isLocalHost(h), h).toBe(true);
    for (const h of ['api.example.com', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]']) expect(isLocalHost(h), h).toBe(false);
  });

  it('reports an API served over plain HTTP on a public host, without sending anything', async () => {
    const { findings, client } = await runCheck(tlsCheck, { api: restApi([]), baseUrl: new URL('http://api.example.com:8080') });
    expect(findings.map((f) => f.key)).toEqual(['plain-http']);
    expect(client.stats.requests).toBe(0);
  });

  it('stays silent on loopback HTTP', async () => {
    expect((await runCheck(tlsCheck, { api: restApi([]), baseUrl: new URL('http://127.0.0.1:9') })).findings).toEqual([]);
  });

  it('reports a certificate clients cannot trust (self-signed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        const port = (server.address() as { port: number }).port;
        const { findings } = await runCheck(tlsCheck, { api: restApi([]), baseUrl: new URL(`https://127.0.0.1:${port}`) });
        expect(findings.map((f) => f.key)).toEqual(['untrusted-certificate']); // Node refuses TLS 1.0/1.1 by default
        expect(findings[0]!.detail).toMatch(/SELF_SIGNED|self.signed/i);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a server that still completes TLS 1.0 and 1.1 handshakes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const options = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), ciphers: 'DEFAULT@SECLEVEL=0' };
      for (const [minVersion, expected] of [['TLSv1', ['legacy-TLSv1', 'legacy-TLSv1.1']], ['TLSv1.1', ['legacy-TLSv1.1']], ['TLSv1.2', []]] as const) {
        const server = createServer({ ...options, minVersion }, (_req, res) => res.end('{}'));
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        try {
          const port = (server.address() as { port: number }).port;
          const { findings } = await runCheck(tlsCheck, { api: restApi([]), baseUrl: new URL(`https://127.0.0.1:${port}`) });
          expect(findings.map((f) => f.key).filter((k) => k !== 'untrusted-certificate'), minVersion).toEqual(expected);
        } finally {
          server.closeAllConnections();
          await new Promise((r) => server.close(r));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
