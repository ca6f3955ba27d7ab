import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../decisions/index.js';
import { formatGoDuration } from '../expr/index.js';
import { decisionJson, decisionsJson, durationUntil, goSeconds, streamJson } from './decision-wire.js';

const d: Decision = {
  id: 7,
  uuid: 'u-7',
  origin: 'crowdsec',
  type: 'ban',
  scope: 'Ip',
  value: '192.0.2.1',
  scenario: 'crowdsecurity/ssh-bf "quoted"',
  simulated: false,
  createdAt: 0,
  until: 4 * 3600_000,
  alertId: 3,
};

describe('decision wire format', () => {
  it('prints whole seconds exactly as Go prints a time.Duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (s) => {
        expect(goSeconds(s)).toBe(formatGoDuration(s * 1e9));
      }),
      { seed: 42, numRuns: 500 },
    );
    expect(goSeconds(14398)).toBe('3h59m58s');
    expect(goSeconds(0)).toBe('0s');
    expect(goSeconds(-65)).toBe('-1m5s');
  });

  it('rounds the time left to the second, halves away from zero (Go Round)', () => {
    expect(durationUntil(1500, 0)).toBe('2s');
    expect(durationUntil(1499, 0)).toBe('1s');
    expect(durationUntil(0, 1500)).toBe('-2s');
    expect(durationUntil(0, 1499)).toBe('-1s');
  });

  it("writes a decision with models.Decision's fields in Go's order, escaping strings", () => {
    expect(decisionJson(d, 2000)).toBe(
      '{"duration":"3h59m58s","id":7,"origin":"crowdsec","scenario":"crowdsecurity/ssh-bf \\"quoted\\"","scope":"Ip","type":"ban","uuid":"u-7","value":"192.0.2.1"}',
    );
    expect(JSON.parse(decisionJson(d, 0))).toEqual({ duration: '4h0m0s', id: 7, origin: 'crowdsec', scenario: d.scenario, scope: 'Ip', type: 'ban', uuid: 'u-7', value: '192.0.2.1' });
    expect(decisionJson({ ...d, id: 0, uuid: '' }, 0)).toBe('{"duration":"4h0m0s","origin":"crowdsec","scenario":"crowdsecurity/ssh-bf \\"quoted\\"","scope":"Ip","type":"ban","value":"192.0.2.1"}');
  });

  it('writes an empty list as null, as Go encodes a nil slice, and a stream body with sorted keys', () => {
    expect(decisionsJson([], 0)).toBe('null');
    expect(streamJson([], [], 0)).toBe('{"deleted":null,"new":null}');
    expect(JSON.parse(streamJson([d], [], 0))).toEqual({ deleted: null, new: [JSON.parse(decisionJson(d, 0))] });
  });
});
