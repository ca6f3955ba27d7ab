import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ENGINE_COUNTERS, parseCounterName, registerEngineMetrics } from './engine-metrics.js';

/** The engine's stored counters, read back as Prometheus metrics. */

const escape = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));

describe('parseCounterName', () => {
  it('reads back any label values the pipeline escaped', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (source, type, value) => {
        const key = `lines_read_total{source="${escape(source)}",type="${escape(type)}"}`;
        expect(parseCounterName(key, value)).toEqual({ name: 'lines_read_total', labels: { source, type }, value });
      }),
    );
  });

  it('reads a counter without labels', () => {
    expect(parseCounterName('profile_errors_total', 3)).toEqual({ name: 'profile_errors_total', labels: {}, value: 3 });
  });
});

describe('registerEngineMetrics', () => {
  it('exposes every known counter with its labels, reading the store once per scrape', async () => {
    const registry = new Registry();
    let reads = 0;
    let t = 0;
    const counters: Record<string, number> = {
      'lines_read_total{source="/var/log/nginx/access.log",type="nginx"}': 120,
      'bucket_overflows_total{scenario="crowdsecurity/http-probing"}': 4,
      'parser_hits_total{name="crowdsecurity/nginx-logs"}': 118,
      decisions_deduplicated_total: 2,
      'something_new_total{x="y"}': 5,
    };
    registerEngineMetrics(
      registry,
      async () => {
        reads++;
        return { ...counters };
      },
      () => t,
    );
    const text = await registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('herd_lines_read_total{source="/var/log/nginx/access.log",type="nginx"} 120');
    expect(text).toContain('herd_bucket_overflows_total{scenario="crowdsecurity/http-probing"} 4');
    expect(text).toContain('herd_parser_hits_total{name="crowdsecurity/nginx-logs"} 118');
    expect(text).toContain('herd_decisions_deduplicated_total 2');
    expect(text).not.toContain('something_new');
    for (const name of Object.keys(ENGINE_COUNTERS)) expect(text).toContain(`# TYPE herd_${name} counter`);

    counters['bucket_overflows_total{scenario="crowdsecurity/http-probing"}'] = 9;
    expect(await registry.metrics()).toContain('scenario="crowdsecurity/http-probing"} 4'); // same second: cached
    t += 1000;
    expect(await registry.metrics()).toContain('scenario="crowdsecurity/http-probing"} 9');
    expect(reads).toBe(2);
  });

  it('answers the scrape when the store cannot be read, keeping the last values, and reads again next time', async () => {
    const registry = new Registry();
    let fail = false;
    let t = 0;
    registerEngineMetrics(
      registry,
      async () => {
        if (fail) throw new Error('database is locked');
        return { profile_errors_total: 1 };
      },
      () => t,
    );
    expect(await registry.metrics()).toContain('herd_profile_errors_total 1');
    fail = true;
    t += 1000;
    expect(await registry.metrics()).toContain('herd_profile_errors_total 1');
    fail = false;
    t += 1;
    expect(await registry.metrics()).toContain('herd_profile_errors_total 1');
  });
});
