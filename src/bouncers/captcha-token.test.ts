import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { CaptchaTokens } from './captcha-token.js';

const SECRET = 'a-test-secret-of-32-bytes-length';

function tokens(clock = new ManualClock(1_700_000_000_000)) {
  return { clock, t: new CaptchaTokens({ secret: SECRET, challengeTtlMs: 60_000, passTtlMs: 600_000 }, clock) };
}

describe('captcha challenge tokens', () => {
  it('accepts the right answer from the address it was given to', () => {
    const { t } = tokens();
    const c = t.newChallenge('192.0.2.1');
    expect(c.question).toMatch(/^\d+ [+−] \d+$/);
    expect(t.verifyChallenge('192.0.2.1', c.token, ` ${c.answer} `)).toBe('ok');
  });

  it('poses questions a person can answer: small sums and differences, never negative', () => {
    const { t } = tokens();
    for (let i = 0; i < 200; i++) {
      const c = t.newChallenge('192.0.2.1');
      const [a, op, b] = c.question.split(' ');
      expect(c.answer).toBe(op === '+' ? Number(a) + Number(b) : Number(a) - Number(b));
      expect(c.answer).toBeGreaterThan(0);
      expect(c.answer).toBeLessThan(100);
    }
  });

  it('does not reveal the answer in the token', () => {
    const { t } = tokens();
    const c = t.newChallenge('192.0.2.1');
    expect(c.token.split('.').some((part) => part === String(c.answer))).toBe(false);
  });

  it('refuses a wrong answer, and the token is spent by that one guess', () => {
    const { t } = tokens();
    const c = t.newChallenge('192.0.2.1');
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer + 1))).toBe('wrong');
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer))).toBe('replayed');
  });

  it('refuses a replay of a solved challenge', () => {
    const { t } = tokens();
    const c = t.newChallenge('192.0.2.1');
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer))).toBe('ok');
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer))).toBe('replayed');
  });

  it('is bound to the address: the right answer from another address is refused', () => {
    const { t } = tokens();
    const c = t.newChallenge('192.0.2.1');
    expect(t.verifyChallenge('192.0.2.2', c.token, String(c.answer))).toBe('wrong');
  });

  it('expires after its time to live', () => {
    const { t, clock } = tokens();
    const c = t.newChallenge('192.0.2.1');
    clock.advance(60_000);
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer))).toBe('expired');
  });

  it('refuses tokens from another secret, and malformed or tampered ones', () => {
    const { t, clock } = tokens();
    const other = new CaptchaTokens({ secret: 'another-secret-of-enough-bytes!!', challengeTtlMs: 60_000 }, clock);
    const c = other.newChallenge('192.0.2.1');
    expect(t.verifyChallenge('192.0.2.1', c.token, String(c.answer))).toBe('wrong');
    const mine = t.newChallenge('192.0.2.1');
    const [v, , nonce, mac] = mine.token.split('.');
    const later = (clock.now() + 30_000).toString(36);
    expect(t.verifyChallenge('192.0.2.1', [v, later, nonce, mac].join('.'), String(mine.answer))).toBe('wrong');
    const farFuture = (clock.now() + 3_600_000).toString(36);
    expect(t.verifyChallenge('192.0.2.1', [v, farFuture, 'abc', mac].join('.'), '1')).toBe('malformed');
    expect(t.verifyChallenge('192.0.2.1', 'nonsense', '1')).toBe('malformed');
  });

  it('never accepts a random token', () => {
    const { t } = tokens();
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 5 }), (token, answer) => {
        expect(t.verifyChallenge('192.0.2.1', token, answer)).not.toBe('ok');
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('refuses a secret shorter than 16 bytes', () => {
    expect(() => new CaptchaTokens({ secret: 'short' }, new ManualClock())).toThrow(/at least 16 bytes/);
  });
});

describe('captcha passes', () => {
  it('lets the address it was issued to through until it expires', () => {
    const { t, clock } = tokens();
    const pass = t.issuePass('2001:db8::1');
    expect(t.verifyPass('2001:db8::1', pass)).toBe(true);
    clock.advance(599_999);
    expect(t.verifyPass('2001:db8::1', pass)).toBe(true);
    clock.advance(1);
    expect(t.verifyPass('2001:db8::1', pass)).toBe(false);
  });

  it('is worthless from another address or when altered', () => {
    const { t, clock } = tokens();
    const pass = t.issuePass('192.0.2.1');
    expect(t.verifyPass('192.0.2.2', pass)).toBe(false);
    const [v, , mac] = pass.split('.');
    expect(t.verifyPass('192.0.2.1', [v, (clock.now() + 9e9).toString(36), mac].join('.'))).toBe(false);
    expect(t.verifyPass('192.0.2.1', '')).toBe(false);
  });
});
