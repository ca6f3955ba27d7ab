import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr, crowdsecHelpers } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { directFieldRead } from './field-read.js';
import { newLogEvent, TIMEMACHINE, type Event } from './index.js';

/**
 * Statics that copy one field (`expression: evt.Parsed.remote_addr`) are read directly instead of
 * through the expression evaluator. The shortcut must be invisible: same answer as the compiled
 * expression, "" for a missing key, and no shortcut at all for anything it does not recognise.
 */

const functions = crowdsecHelpers({});
const compile = (src: string) => compileExpr(src, { variables: ['evt'], functions, regex: compileRegex });

function event(fill: (e: Event) => void = () => {}): Event {
  const evt = newLogEvent({ raw: 'the raw line', src: '/var/log/auth.log', module: 'file', labels: { type: 'syslog' }, readAt: 0 }, TIMEMACHINE);
  fill(evt);
  return evt;
}

describe('directFieldRead', () => {
  it('reads a key of Parsed, Meta or Enriched, "" when it is missing', () => {
    const evt = event((e) => {
      e.Parsed.user = 'alice';
      e.Meta.source_ip = '192.0.2.1';
      e.Enriched.MarshaledTime = '2025-01-01T00:00:00Z';
    });
    expect(directFieldRead('evt.Parsed.user')?.run({ evt })).toBe('alice');
    expect(directFieldRead('evt.Meta.source_ip')?.run({ evt })).toBe('192.0.2.1');
    expect(directFieldRead('evt.Enriched.MarshaledTime')?.run({ evt })).toBe('2025-01-01T00:00:00Z');
    expect(directFieldRead('evt.Parsed.nothing')?.run({ evt })).toBe('');
  });

  it('reads the line, its labels, and the scalar string fields of the event', () => {
    const evt = event((e) => {
      e.StrTime = 'Oct 10 13:55:36';
      e.Stage = 's01-parse';
    });
    expect(directFieldRead('evt.Line.Raw')?.run({ evt })).toBe('the raw line');
    expect(directFieldRead('evt.Line.Src')?.run({ evt })).toBe('/var/log/auth.log');
    expect(directFieldRead('evt.Line.Module')?.run({ evt })).toBe('file');
    expect(directFieldRead('evt.Line.Labels.type')?.run({ evt })).toBe('syslog');
    expect(directFieldRead('evt.Line.Labels.missing')?.run({ evt })).toBe('');
    expect(directFieldRead('evt.StrTime')?.run({ evt })).toBe('Oct 10 13:55:36');
    expect(directFieldRead('evt.Stage')?.run({ evt })).toBe('s01-parse');
    expect(directFieldRead('evt.MarshaledTime')?.run({ evt })).toBe('');
  });

  it('tolerates spaces around the path and says the result is a string', () => {
    const read = directFieldRead('  evt.Parsed.user ');
    expect(read?.resultKind).toBe('string');
    expect(read?.source).toBe('  evt.Parsed.user ');
  });

  it('declines everything else, leaving it to the expression evaluator', () => {
    for (const src of [
      "evt.Parsed['user']",
      'evt.Parsed.user + "x"',
      'Upper(evt.Parsed.user)',
      'evt.Parsed.a.b',
      'evt.Unmarshaled.user',
      'evt.Line.Labels',
      'evt.Parsed',
      'evt.Line.Time',
      'evt.Whitelisted',
      'evt.Parsed.1st',
      'Parsed.user',
      "evt.Parsed.user ?? 'x'",
    ]) {
      expect(directFieldRead(src), src).toBeNull();
    }
  });

  it('gives the same answer as the compiled expression, for any maps and keys', () => {
    const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/), fc.constantFrom('constructor', '__proto__', 'toString', 'user', 'source_ip'));
    const map = fc.dictionary(key, fc.string({ maxLength: 20 }), { maxKeys: 6 });
    const source = fc.oneof(
      fc.tuple(fc.constantFrom('Parsed', 'Meta', 'Enriched'), key).map(([m, k]) => `evt.${m}.${k}`),
      key.map((k) => `evt.Line.Labels.${k}`),
      fc.constantFrom('evt.Line.Raw', 'evt.Line.Src', 'evt.Line.Module', 'evt.StrTime', 'evt.StrTimeFormat', 'evt.MarshaledTime', 'evt.Stage', 'evt.WhitelistReason'),
    );
    fc.assert(
      fc.property(source, map, map, map, map, fc.string({ maxLength: 20 }), (src, parsed, meta, enriched, labels, strTime) => {
        const evt = event((e) => {
          for (const [k, v] of Object.entries(parsed)) e.Parsed[k] = v;
          for (const [k, v] of Object.entries(meta)) e.Meta[k] = v;
          for (const [k, v] of Object.entries(enriched)) e.Enriched[k] = v;
          for (const [k, v] of Object.entries(labels)) e.Line.Labels[k] = v;
          e.StrTime = strTime;
        });
        const direct = directFieldRead(src);
        expect(direct, src).not.toBeNull();
        expect(direct!.run({ evt })).toBe(compile(src).run({ evt }));
      }),
      { seed: 20251010, numRuns: 300 },
    );
  });
});
