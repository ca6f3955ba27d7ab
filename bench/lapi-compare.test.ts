import { describe, expect, it } from 'vitest';
import { parseIP, parseRange } from '../src/ip/index.js';
import { answerProblem, answerSample, streamProblem } from './lapi-compare/answers.js';
import { decisionsCsv, generateDataset } from './lapi-compare/dataset.js';
import { MARKER, SECTION_TITLE, median, placeSection } from './lapi-compare/report.js';
import { parseWrkOutput, wrkTimeMs } from './lapi-compare/wrk.js';

const WRK_OUTPUT = `Running 15s test @ http://127.0.0.1:41234
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.74ms  745.12us  13.46ms   86.39%
    Req/Sec    18.75k     2.70k   21.78k    78.00%
  Latency Distribution
     50%    1.47ms
     75%    1.84ms
     90%    2.58ms
     99%    4.62ms
  186539 requests in 10.00s, 47.36MB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 12
Requests/sec:  18649.57
Transfer/sec:      4.73MB
`;

describe('parseWrkOutput', () => {
  it('reads requests/s, the latency percentiles, non-2xx answers and socket errors', () => {
    expect(parseWrkOutput(WRK_OUTPUT)).toEqual({
      requests: 186539,
      seconds: 10,
      requestsPerSec: 18649.57,
      latencyMs: { p50: 1.47, p75: 1.84, p90: 2.58, p99: 4.62 },
      non2xx: 12,
      socketErrors: { connect: 0, read: 3, write: 0, timeout: 7 },
    });
  });

  it('counts no errors when wrk prints no error lines, and reads latencies in seconds', () => {
    const slow = WRK_OUTPUT.replace(/ {2}Socket errors.*\n/, '').replace(/ {2}Non-2xx.*\n/, '').replace('99%    4.62ms', '99%    2.61s ');
    const r = parseWrkOutput(slow);
    expect(r.non2xx).toBe(0);
    expect(r.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    expect(r.latencyMs.p99).toBe(2610);
  });

  it('refuses output without a Requests/sec line (a failed run is no result)', () => {
    expect(() => parseWrkOutput(WRK_OUTPUT.replace(/^Requests\/sec.*$/m, ''))).toThrow(/Requests\/sec/);
  });

  it('reads wrk time units', () => {
    expect(wrkTimeMs('812.00us')).toBeCloseTo(0.812);
    expect(wrkTimeMs('1.05m')).toBeCloseTo(63_000);
    expect(wrkTimeMs('fast')).toBeNaN();
  });
});

describe('generateDataset', () => {
  const opts = { seed: 7, decisions: 3000, queries: 600 };

  it('gives the same decisions, CSV and queries for the same seed, and others for another seed', () => {
    const a = generateDataset(opts);
    const b = generateDataset(opts);
    expect(decisionsCsv(a.decisions)).toBe(decisionsCsv(b.decisions));
    expect(a.queries).toEqual(b.queries);
    expect(decisionsCsv(generateDataset({ ...opts, seed: 8 }).decisions)).not.toBe(decisionsCsv(a.decisions));
  });

  it('makes unique, valid values, mostly single IPv4, with some IPv6 and ranges, lasting hours', () => {
    const { decisions } = generateDataset(opts);
    expect(decisions).toHaveLength(3000);
    expect(new Set(decisions.map((d) => d.value)).size).toBe(3000);
    for (const d of decisions) {
      expect(d.scope === 'Ip' ? parseIP(d.value) : parseRange(d.value), d.value).not.toBeNull();
      expect(d.duration).toMatch(/^\d+h$/);
    }
    const singleV4 = decisions.filter((d) => d.scope === 'Ip' && !d.value.includes(':')).length;
    expect(singleV4 / 3000).toBeGreaterThan(0.8);
    expect(decisions.some((d) => d.scope === 'Range' && d.value.includes(':'))).toBe(true);
    expect(decisions.some((d) => d.scope === 'Ip' && d.value.includes(':'))).toBe(true);
  });

  it('asks about banned and free IPs half and half, each expecting exactly the decision that contains it', () => {
    const { decisions, queries } = generateDataset(opts);
    expect(queries.filter((q) => q.expected !== null)).toHaveLength(300);
    const nets = decisions.map((d) => ({ value: d.value, net: parseRange(d.value)! }));
    for (const q of queries) {
      const ip = parseIP(q.ip)!;
      const containing = nets.filter((n) => n.net.contains(ip)).map((n) => n.value);
      expect(containing, q.ip).toEqual(q.expected === null ? [] : [q.expected]);
    }
  });

  it('writes the CSV cscli reads: a header, then one row a decision', () => {
    const csv = decisionsCsv(generateDataset({ ...opts, decisions: 3 }).decisions).split('\n');
    expect(csv[0]).toBe('value,duration,reason,type,scope');
    expect(csv).toHaveLength(5);
    expect(csv[1]).toMatch(/^[^,]+,\d+h,bench\/[a-z-]+,ban,(Ip|Range)$/);
  });
});

describe('answers', () => {
  it('accepts the one decision on the expected value, or null for a free IP', () => {
    const d = '[{"duration":"3h59m58s","id":1,"origin":"cscli-import","scenario":"x","scope":"Ip","type":"ban","value":"192.0.2.1"}]';
    expect(answerProblem(200, d, '192.0.2.1')).toBeNull();
    expect(answerProblem(200, 'null', null)).toBeNull();
    expect(answerProblem(200, d, null)).toMatch(/expected null/);
    expect(answerProblem(200, 'null', '192.0.2.1')).toMatch(/one decision/);
    expect(answerProblem(200, d, '192.0.2.2')).toMatch(/192.0.2.2/);
    expect(answerProblem(403, '{"message":"access forbidden"}', null)).toBe('status 403');
  });

  it('checks a stream startup holds every decision', () => {
    expect(streamProblem(200, '{"new":[{},{}],"deleted":null}', 2)).toBeNull();
    expect(streamProblem(200, '{"new":[{}],"deleted":[]}', 2)).toMatch(/expected 2 new/);
  });

  it('samples banned and free queries half and half', () => {
    const s = answerSample(generateDataset({ seed: 1, decisions: 100, queries: 100 }).queries, 20);
    expect(s.filter((q) => q.expected === null)).toHaveLength(10);
    expect(s).toHaveLength(20);
  });
});

describe('placeSection', () => {
  const section = `${SECTION_TITLE}\n\nnew figures\n`;

  it('appends the section after the marker, leaving what is above untouched', () => {
    const doc = `# Benchmarks\n\nreplay figures\n\n${MARKER}\n`;
    expect(placeSection(doc, section)).toBe(`${doc}\n${section}`);
  });

  it('replaces its own older section and keeps the sections around it', () => {
    const doc = `# B\n\n${MARKER}\n\n## Other\n\nx\n\n${SECTION_TITLE}\n\nold figures\n\n## Later\n\ny\n`;
    expect(placeSection(doc, section)).toBe(`# B\n\n${MARKER}\n\n## Other\n\nx\n\n${SECTION_TITLE}\n\nnew figures\n\n## Later\n\ny\n`);
    const last = `# B\n\n${MARKER}\n\n${SECTION_TITLE}\n\nold\n`;
    expect(placeSection(last, section)).toBe(`# B\n\n${MARKER}\n\n${section}`);
  });

  it('adds the marker when the file has none', () => {
    expect(placeSection('# B\n', section)).toBe(`# B\n\n${MARKER}\n\n${section}`);
    expect(placeSection('', section)).toBe(`${MARKER}\n\n${section}`);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
