import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { excessiveExposureCheck } from './excessive-exposure.js';
import { NOTES_API, NOTES_OPS as OPS, NOTE_TOKENS, startNotesApp, type Variant } from './notes-fixtures.js';
import { findSensitive, luhn } from './sensitive-data.js';
import { harness, USERS } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function explored(variant: Variant) {
  const app = await startNotesApp(variant);
  open.push(app);
  const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS });
  for (const user of ['alice', 'admin']) await h.sample(OPS.me, user);
  await h.sample(OPS.session, null, undefined, { login: 'alice', password: 'alice-pw' });
  return h;
}

describe('data.excessive-exposure', () => {
  it("reports the password hash and API key in a normal user's profile, once per field, values masked", async () => {
    const h = await explored('vulnerable');
    const found = await h.run(excessiveExposureCheck);
    expect(found.map((f) => [f.location, f.key, f.severity])).toEqual([
      ['GET /v1/me', 'passwordHash', 'high'],
      ['GET /v1/me', 'apiKey', 'medium'],
    ]);
    expect(found[0].detail).toMatch(/answer to alice/);
    expect(found.map((f) => f.detail).join(' ')).not.toMatch(/nk_live_alice0123456789abcdef|abcdefghijklmnop/);
  });

  it('does not report the token a login hands to its caller, nor the profiles of the fixed variant', async () => {
    const h = await explored('fixed');
    expect(await h.run(excessiveExposureCheck)).toEqual([]);
  });
});

describe('findSensitive', () => {
  const none = { authOperation: false };

  it('finds password hashes by their shape whatever the field is called', () => {
    const hits = findSensitive({ user: { id: 1, secretSauce: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' } }, none);
    expect(hits.map((h) => [h.path, h.category])).toEqual([['user.secretSauce', 'password hash']]);
  });

  it('finds Luhn-valid card numbers under card fields or written in groups of four, not order numbers', () => {
    const hits = findSensitive({ cardNumber: '4111111111111111', note: '5500 0000 0000 0004', orderNumber: '4111111111111111', id: 4111111111111111 }, none);
    expect(hits.map((h) => [h.field, h.masked])).toEqual([
      ['cardNumber', '**** **** **** 1111'],
      ['note', '**** **** **** 0004'],
    ]);
  });

  it('ignores masked, empty and non-secret values, and the caller’s own token', () => {
    const hits = findSensitive({ password: '********', passwordHash: '', hasPassword: true, token: 'own-token-value-123', nextPageToken: 'abcdefghijklmnop', tokenType: 'Bearer' }, { ownToken: 'own-token-value-123', authOperation: false });
    expect(hits).toEqual([]);
  });

  it('keeps the session tokens of a login answer but not other secrets in it', () => {
    const hits = findSensitive({ accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', refreshToken: 'r-0123456789abcdef', user: { resetToken: 'rt-0123456789' } }, { authOperation: true });
    expect(hits.map((h) => h.path)).toEqual(['user.resetToken']);
  });

  it('stops on deep or wide documents', () => {
    let deep: unknown = { password: 'hunter2-deep' };
    for (let i = 0; i < 5000; i++) deep = { next: deep };
    expect(findSensitive(deep, none)).toEqual([]);
    const wide = Array.from({ length: 10_000 }, (_, i) => ({ password: `pw-${i}` }));
    expect(findSensitive(wide, none).length).toBeLessThanOrEqual(50);
  });

  it('luhn accepts a number completed with its check digit and rejects a changed digit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 }), fc.integer({ min: 0, max: 11 }), (digits, at) => {
        const body = digits.join('');
        const check = [...'0123456789'].find((d) => luhn(body + d));
        expect(check).toBeDefined();
        const full = body + check;
        const i = at % full.length;
        const changed = full.slice(0, i) + String((Number(full[i]) + 5) % 10) + full.slice(i + 1);
        expect(luhn(changed)).toBe(false);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
