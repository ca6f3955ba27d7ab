import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHerd } from './support/herd-cli.js';

/**
 * Attacker-controlled lines through the whole pipeline: random bytes, a 10 MB line, invalid
 * UTF-8, and strings known to make backtracking regex engines explode, mixed with real traffic.
 * herd must read to the end, count what it cut or repaired, and still detect the attack that
 * follows them.
 */
const dir = mkdtempSync(join(tmpdir(), 'herd-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nginx(ip: string, sec: number, path: string, status = 200, ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0'): string {
  const s = String(sec % 60).padStart(2, '0');
  const m = String(Math.floor(sec / 60) % 60).padStart(2, '0');
  return `${ip} - - [08/Jan/2026:10:${m}:${s} +0000] "GET ${path} HTTP/1.1" ${status} 512 "-" "${ua}"`;
}

describe('hostile input through the pipeline', () => {
  it('reads everything, counts cut and repaired lines, and still detects the attack after them', async () => {
    const rnd = seeded(7);
    const parts: Buffer[] = [];
    const add = (s: string | Buffer) => parts.push(Buffer.isBuffer(s) ? Buffer.concat([s, Buffer.from('\n')]) : Buffer.from(s + '\n'));
    let lines = 0;
    for (let i = 0; i < 200; i++) {
      add(nginx(`198.51.100.${(i % 50) + 1}`, i, `/page/${i}`));
      lines++;
    }
    // random bytes (no newline inside), some with invalid UTF-8
    for (let i = 0; i < 300; i++) {
      const b = Buffer.alloc(1 + Math.floor(rnd() * 400));
      for (let j = 0; j < b.length; j++) {
        let v = Math.floor(rnd() * 256);
        if (v === 10) v = 11;
        b[j] = v;
      }
      add(b);
      lines++;
    }
    // a 10 MB line, without newline inside
    add('203.0.113.9 - - [08/Jan/2026:10:05:00 +0000] "GET /' + 'A'.repeat(10 * 1024 * 1024) + ' HTTP/1.1" 200 1 "-" "x"');
    lines++;
    // invalid UTF-8 inside otherwise valid lines
    for (let i = 0; i < 50; i++) {
      add(Buffer.concat([Buffer.from(nginx('198.51.100.77', 300 + i, '/caf').slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"')]));
      lines++;
    }
    // ReDoS-shaped lines against DATA/GREEDYDATA-heavy patterns and the payload regexes
    const redos = [
      'a'.repeat(30_000) + '!',
      nginx('198.51.100.8', 400, '/' + '%20'.repeat(15_000)),
      nginx('198.51.100.8', 401, '/?q=' + "'".repeat(8000) + ' or ' + '('.repeat(8000)),
      nginx('198.51.100.8', 402, '/', 200, ' ('.repeat(20_000)),
      '<13>' + ' '.repeat(40_000) + 'x',
      'Jan  1 00:00:00 host sshd[1]: Failed password for ' + 'a '.repeat(20_000) + 'from',
      nginx('198.51.100.8', 403, '/' + '../'.repeat(10_000) + 'x'),
      nginx('198.51.100.8', 404, '/?x=' + '<script'.repeat(5000)),
      nginx('198.51.100.8', 405, '/${' + '${'.repeat(10_000)),
    ];
    for (const r of redos) {
      add(r);
      lines++;
    }
    // and then a real scan, which must still be caught
    for (let i = 0; i < 40; i++) {
      add(nginx('192.0.2.66', 600 + i, `/admin-${i}.php`, 404, 'Mozilla/5.0'));
      lines++;
    }
    const file = join(dir, 'access.log');
    writeFileSync(file, Buffer.concat(parts));

    const data = join(dir, 'data');
    const res = await runHerd(['replay', '--dsn', `file://${file}`, '--type', 'nginx', '--data-dir', data, '--json'], { timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as { lines: number; lines_truncated: number; lines_invalid_utf8: number };
    expect(summary.lines).toBe(lines);
    expect(summary.lines_truncated).toBeGreaterThanOrEqual(1);
    expect(summary.lines_invalid_utf8).toBeGreaterThanOrEqual(50);

    const decisions = await runHerd(['decisions', 'list', '--data-dir', data, '--json']);
    expect(decisions.code).toBe(0);
    const list = JSON.parse(decisions.stdout) as { value: string }[];
    expect(list.map((d) => d.value)).toContain('192.0.2.66');

    const metrics = await runHerd(['metrics', '--data-dir', data, '--json']);
    const m = JSON.parse(metrics.stdout) as { acquisition: { read: number; parsed: number; unparsed: number }[] };
    expect(m.acquisition[0]!.read).toBe(lines);
    expect(m.acquisition[0]!.unparsed).toBeGreaterThanOrEqual(300);
  }, 180_000);
});
