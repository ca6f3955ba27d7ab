import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, GoDuration } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { DecisionHistory } from './index.js';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

function setup() {
  const clock = new ManualClock(NOW);
  const history = new DecisionHistory(() => clock.now());
  const ban = (value: string, createdAt: number, lastsMs: number, type = 'ban') => history.add({ value, type, createdAt, until: createdAt + lastsMs });
  return { clock, history, ban };
}

describe('DecisionHistory', () => {
  it('counts every decision ever made on a value (active or not) until pruned', () => {
    const { history, ban } = setup();
    expect(history.count('1.2.3.4')).toBe(0);
    ban('1.2.3.4', NOW - 48 * HOUR, 4 * HOUR);
    ban('1.2.3.4', NOW - HOUR, 8 * HOUR);
    ban('5.6.7.8', NOW, HOUR);
    expect(history.count('1.2.3.4')).toBe(2);
    expect(history.count('5.6.7.8')).toBe(1);
    expect(history.count('9.9.9.9')).toBe(0);
  });

  it('counts the decisions made within a Go duration before now', () => {
    const { history, ban, clock } = setup();
    ban('1.2.3.4', NOW - 30 * HOUR, HOUR);
    ban('1.2.3.4', NOW - 23 * HOUR, HOUR);
    ban('1.2.3.4', NOW - 10 * MIN, HOUR);
    expect(history.countSince('1.2.3.4', '24h')).toBe(2);
    expect(history.countSince('1.2.3.4', '1h')).toBe(1);
    expect(history.countSince('1.2.3.4', '48h')).toBe(3);
    expect(history.countSince('1.2.3.4', '1m')).toBe(0);
    clock.advance(HOUR);
    expect(history.countSince('1.2.3.4', '24h')).toBe(2);
    clock.advance(22 * HOUR);
    expect(history.countSince('1.2.3.4', '24h')).toBe(1);
  });

  it('refuses a window that is not a Go duration', () => {
    const { history } = setup();
    expect(() => history.countSince('1.2.3.4', '1 day')).toThrow("GetDecisionsSinceCount: invalid duration '1 day'");
  });

  it('counts active decisions: those that end after now', () => {
    const { history, ban, clock } = setup();
    ban('1.2.3.4', NOW - 5 * HOUR, 4 * HOUR); // ended an hour ago
    ban('1.2.3.4', NOW - HOUR, 2 * HOUR); // ends in 1h
    ban('1.2.3.4', NOW, 4 * HOUR, 'captcha'); // ends in 4h
    expect(history.activeCount('1.2.3.4')).toBe(2);
    clock.set(NOW + HOUR); // the 2h ban ends exactly now: no longer active
    expect(history.activeCount('1.2.3.4')).toBe(1);
    clock.set(NOW + 4 * HOUR);
    expect(history.activeCount('1.2.3.4')).toBe(0);
    expect(history.activeCount('5.6.7.8')).toBe(0);
  });

  it('tells when the longest active decision of a type ends (0 when there is none)', () => {
    const { history, ban, clock } = setup();
    expect(history.activeUntil('1.2.3.4', 'ban')).toBe(0);
    ban('1.2.3.4', NOW - HOUR, 2 * HOUR);
    ban('1.2.3.4', NOW, 4 * HOUR);
    ban('1.2.3.4', NOW, 24 * HOUR, 'captcha');
    ban('5.6.7.8', NOW, 48 * HOUR);
    expect(history.activeUntil('1.2.3.4', 'ban')).toBe(NOW + 4 * HOUR);
    expect(history.activeUntil('1.2.3.4', 'captcha')).toBe(NOW + 24 * HOUR);
    expect(history.activeUntil('1.2.3.4', 'throttle')).toBe(0);
    clock.set(NOW + 4 * HOUR);
    expect(history.activeUntil('1.2.3.4', 'ban')).toBe(0);
  });

  it('tells the time left of the longest active decision in nanoseconds, of any type', () => {
    const { history, ban, clock } = setup();
    expect(history.activeTimeLeftNs('1.2.3.4')).toBe(0);
    ban('1.2.3.4', NOW, 4 * HOUR);
    ban('1.2.3.4', NOW, 90 * MIN, 'captcha');
    expect(history.activeTimeLeftNs('1.2.3.4')).toBe(4 * HOUR * 1e6);
    clock.advance(3 * HOUR);
    expect(history.activeTimeLeftNs('1.2.3.4')).toBe(HOUR * 1e6);
    clock.advance(2 * HOUR);
    expect(history.activeTimeLeftNs('1.2.3.4')).toBe(0);
  });

  it('forgets decisions that ended before a time, and keeps those ending at it or later', () => {
    const { history, ban } = setup();
    ban('1.2.3.4', NOW - 10 * HOUR, 4 * HOUR); // ended NOW-6h
    ban('1.2.3.4', NOW - 6 * HOUR, HOUR); // ended NOW-5h
    ban('1.2.3.4', NOW - HOUR, 4 * HOUR);
    ban('5.6.7.8', NOW - 10 * HOUR, HOUR);
    history.prune(NOW - 5 * HOUR);
    expect(history.count('1.2.3.4')).toBe(2);
    expect(history.count('5.6.7.8')).toBe(0);
    history.prune(NOW + 10 * HOUR);
    expect(history.count('1.2.3.4')).toBe(0);
  });

  it('property: count, countSince and activeCount agree with a filter over the decisions', () => {
    const decision = fc.record({
      value: fc.constantFrom('1.2.3.4', '5.6.7.8', '2001:db8::1'),
      type: fc.constantFrom('ban', 'captcha'),
      createdAt: fc.integer({ min: NOW - 72 * HOUR, max: NOW }),
      lastsMs: fc.integer({ min: 0, max: 72 * HOUR }),
    });
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 40 }), fc.integer({ min: 1, max: 100 }), (list, sinceHours) => {
        const { history } = setup();
        for (const d of list) history.add({ value: d.value, type: d.type, createdAt: d.createdAt, until: d.createdAt + d.lastsMs });
        for (const v of ['1.2.3.4', '5.6.7.8', '2001:db8::1']) {
          const mine = list.filter((d) => d.value === v);
          expect(history.count(v)).toBe(mine.length);
          expect(history.countSince(v, `${sinceHours}h`)).toBe(mine.filter((d) => d.createdAt >= NOW - sinceHours * HOUR).length);
          expect(history.activeCount(v)).toBe(mine.filter((d) => d.createdAt + d.lastsMs > NOW).length);
          const bans = mine.filter((d) => d.type === 'ban' && d.createdAt + d.lastsMs > NOW).map((d) => d.createdAt + d.lastsMs);
          expect(history.activeUntil(v, 'ban')).toBe(bans.length ? Math.max(...bans) : 0);
        }
      }),
      { seed: 5, numRuns: 150 },
    );
  });
});

describe('DecisionHistory — expression helpers', () => {
  function run(history: DecisionHistory, src: string): unknown {
    const functions = { ...crowdsecHelpers({}), ...history.helpers() };
    return compileExpr(src, { variables: ['Alert'], functions, regex: compileRegex }).run({ Alert: null });
  }

  it('offers the helpers under CrowdSec names', () => {
    const { history } = setup();
    expect(Object.keys(history.helpers()).sort()).toEqual(['GetActiveDecisionsCount', 'GetActiveDecisionsTimeLeft', 'GetDecisionsCount', 'GetDecisionsSinceCount']);
  });

  it('answers the profile expressions from memory', () => {
    const { history, ban } = setup();
    ban('1.2.3.4', NOW - 30 * HOUR, 4 * HOUR);
    ban('1.2.3.4', NOW - HOUR, 4 * HOUR);
    expect(run(history, 'GetDecisionsCount("1.2.3.4")')).toBe(2);
    expect(run(history, 'GetDecisionsSinceCount("1.2.3.4", "24h")')).toBe(1);
    expect(run(history, 'GetActiveDecisionsCount("1.2.3.4")')).toBe(1);
    expect(run(history, "Sprintf('%dh', (GetDecisionsCount('1.2.3.4') + 1) * 4)")).toBe('12h');
    expect(run(history, 'GetDecisionsCount("9.9.9.9") == 0')).toBe(true);
  });

  it('gives the time left as a Go duration, as CrowdSec does', () => {
    const { history, ban } = setup();
    ban('1.2.3.4', NOW - HOUR, 4 * HOUR);
    const left = run(history, 'GetActiveDecisionsTimeLeft("1.2.3.4")');
    expect(left).toBeInstanceOf(GoDuration);
    expect((left as GoDuration).ns).toBe(3 * HOUR * 1e6);
    expect(run(history, 'GetActiveDecisionsTimeLeft("1.2.3.4") > duration("2h")')).toBe(true);
    expect(run(history, 'GetActiveDecisionsTimeLeft("1.2.3.4").Hours()')).toBe(3);
    expect(run(history, 'GetActiveDecisionsTimeLeft("9.9.9.9") == duration("0s")')).toBe(true);
  });
});
