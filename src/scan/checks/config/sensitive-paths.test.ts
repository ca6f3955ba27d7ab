import { describe, expect, it } from 'vitest';
import type { ScanResponse } from '../../model.js';
import { SENSITIVE_PATHS } from './sensitive-paths.js';

function answer(body: string, contentType = 'text/plain'): ScanResponse {
  return { status: 200, headers: { 'content-type': contentType }, body, truncated: false, timeMs: 1 };
}

function recognizedAt(path: string, r: ScanResponse): ReturnType<(typeof SENSITIVE_PATHS)[number]['recognize']> {
  const entry = SENSITIVE_PATHS.find((e) => e.path === path);
  if (entry === undefined) throw new Error(`${path} is not in the list`);
  return entry.recognize(r);
}

const ORDINARY_ANSWERS: readonly ScanResponse[] = [
  answer('<!doctype html><html><head><title>Shop</title><script src="/static/main.js"></script></head><body><div id="root"></div></body></html>', 'text/html'),
  answer('{"statusCode":404,"error":"Not Found","message":"Route GET:/.env not found"}', 'application/json'),
  answer('{"type":"about:blank","title":"Not Found","status":404,"detail":"no such resource"}', 'application/problem+json'),
  answer('Not Found'),
  answer('{"status":"ok","uptime":123,"version":"1.2.3"}', 'application/json'),
  answer('[{"id":1,"name":"herd hat","price":12.5}]', 'application/json'),
];

describe('sensitive paths', () => {
  it('has about forty distinct paths', () => {
    expect(SENSITIVE_PATHS.length).toBeGreaterThanOrEqual(38);
    expect(new Set(SENSITIVE_PATHS.map((e) => e.path)).size).toBe(SENSITIVE_PATHS.length);
  });

  it('recognizes none of them in ordinary answers (SPA index, JSON 404s, health checks, data)', () => {
    const hits = SENSITIVE_PATHS.flatMap((e) => ORDINARY_ANSWERS.filter((r) => e.recognize(r) !== undefined).map((r) => `${e.path} in ${r.body.slice(0, 40)}`));
    expect(hits).toEqual([]);
  });

  it('recognizes real files of each kind', () => {
    expect(recognizedAt('/.git/HEAD', answer('ref: refs/heads/main\n'))).toBeDefined();
    expect(recognizedAt('/.git/config', answer('[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = https://bot:ghp_abc123@github.com/acme/shop.git\n'))?.secrets).toBe(true);
    expect(recognizedAt('/actuator/env', answer('{"activeProfiles":["prod"],"propertySources":[]}', 'application/json'))?.secrets).toBe(true);
    expect(recognizedAt('/actuator', answer('{"_links":{"self":{"href":"http://x/actuator"},"health":{"href":"http://x/actuator/health"}}}', 'application/json'))).toBeDefined();
    expect(recognizedAt('/actuator/heapdump', answer('JAVA PROFILE 1.0.2\u0000\u0000\u0000\u0004'))?.secrets).toBe(true);
    expect(recognizedAt('/backup.sql', answer('-- MySQL dump 10.13\nCREATE TABLE `users` (id int);\nINSERT INTO `users` VALUES (1);\n'))?.secrets).toBe(true);
    expect(recognizedAt('/phpinfo.php', answer('<html><head><title>PHP 8.2.1 - phpinfo()</title></head><body><h1 class="p">PHP Version 8.2.1</h1></body></html>', 'text/html'))).toBeDefined();
    expect(recognizedAt('/config.json', answer('{"db":{"host":"db","password":"hunter22"}}', 'application/json'))?.secrets).toBe(true);
    expect(recognizedAt('/.aws/credentials', answer('[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = abc\n'))?.secrets).toBe(true);
    expect(recognizedAt('/debug/pprof/', answer('<html><body>Types of profiles available: <a href="goroutine?debug=1">goroutine</a></body></html>', 'text/html'))).toBeDefined();
  });

  it('tells an environment file without secrets from one with them', () => {
    expect(recognizedAt('/.env', answer('NODE_ENV=production\nPORT=8080\nLOG_LEVEL=info\n'))?.secrets).toBe(false);
    expect(recognizedAt('/.env', answer('NODE_ENV=production\nTOKEN_TTL=3600\nDB_PASSWORD=\n'))?.secrets).toBe(false);
    expect(recognizedAt('/.env', answer('NODE_ENV=production\nSTRIPE_API_KEY=sk_live_abcdef\n'))?.secrets).toBe(true);
  });

  it('does not take a public front-end configuration for secrets', () => {
    expect(recognizedAt('/config.json', answer('{"apiUrl":"https://api.example.com","theme":"dark","publicKey":"pk_live_123456"}', 'application/json'))).toBeUndefined();
  });
});
