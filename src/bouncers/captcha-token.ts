import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { HerdError, type Clock } from '../core/index.js';

/**
 * herd's own captcha, with no third-party service: a small sum a person reads and answers, checked
 * on the server. Nothing is stored per visitor until an answer arrives:
 * - the challenge token carries an expiry and a random nonce, and an HMAC over them, the client's
 *   IP and the expected answer; the answer itself is not in it, so it cannot be read off the page;
 * - an answer is accepted once per nonce (right or wrong, the nonce is spent), so a solved form
 *   cannot be replayed and each challenge allows one guess;
 * - a solved challenge earns a pass (the cookie): an expiry and an HMAC over it and the IP, valid
 *   only from that IP until it expires.
 * Spent nonces are kept in memory until their challenge expires, at most `maxSpent` of them (the
 * oldest go first); several instances behind one balancer each keep their own.
 */

export interface CaptchaTokenOptions {
  /** HMAC key, at least 16 bytes; every instance behind one site must share it. Default: random per process. */
  secret?: string | Uint8Array;
  /** How long a challenge can be answered (ms). Default 5 minutes. */
  challengeTtlMs?: number;
  /** How long a pass lasts (ms). Default 30 minutes. */
  passTtlMs?: number;
  /** Spent nonces remembered at most. Default 100 000. */
  maxSpent?: number;
}

export interface Challenge {
  /** What the page asks, e.g. `17 + 8`. */
  question: string;
  /** The expected answer (never sent to the client). */
  answer: number;
  /** The signed token the form sends back. */
  token: string;
}

export type ChallengeVerdict = 'ok' | 'wrong' | 'expired' | 'replayed' | 'malformed';

const B64URL = /^[A-Za-z0-9_-]+$/;

export class CaptchaTokens {
  private readonly secret: Buffer;
  readonly challengeTtlMs: number;
  readonly passTtlMs: number;
  private readonly maxSpent: number;
  /** nonce → expiry; insertion order is expiry order, since every challenge lives as long. */
  private readonly spent = new Map<string, number>();

  constructor(
    options: CaptchaTokenOptions,
    private readonly clock: Clock,
  ) {
    const secret = options.secret === undefined ? randomBytes(32) : Buffer.from(options.secret);
    if (secret.length < 16) throw new HerdError('HERD_BOUNCER_CONFIG', 'captcha.secret must be at least 16 bytes; generate one with `openssl rand -base64 32`');
    this.secret = secret;
    this.challengeTtlMs = options.challengeTtlMs ?? 5 * 60_000;
    this.passTtlMs = options.passTtlMs ?? 30 * 60_000;
    this.maxSpent = options.maxSpent ?? 100_000;
  }

  /** A new challenge for `ip`. */
  newChallenge(ip: string): Challenge {
    const a = randomInt(11, 50);
    const b = randomInt(2, 10);
    const plus = randomInt(0, 2) === 0;
    const answer = plus ? a + b : a - b;
    const expires = this.clock.now() + this.challengeTtlMs;
    const nonce = randomBytes(16).toString('base64url');
    const mac = this.mac(`c1|${ip}|${expires}|${nonce}|${answer}`);
    return { question: `${a} ${plus ? '+' : '−'} ${b}`, answer, token: `c1.${expires.toString(36)}.${nonce}.${mac}` };
  }

  /** Checks an answer to a challenge token from `ip`, and spends the token. */
  verifyChallenge(ip: string, token: string, answerText: string): ChallengeVerdict {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'c1' || !B64URL.test(parts[2]) || !B64URL.test(parts[3])) return 'malformed';
    const expires = parseInt(parts[1], 36);
    if (!Number.isSafeInteger(expires)) return 'malformed';
    const now = this.clock.now();
    if (expires <= now) return 'expired';
    // A forged expiry far in the future would keep its nonce in memory for as long: refuse it.
    if (expires > now + this.challengeTtlMs) return 'malformed';
    const nonce = parts[2];
    if (this.spent.has(nonce)) return 'replayed';
    this.spend(nonce, expires, now);
    const answer = answerText.trim();
    if (!/^-?\d{1,4}$/.test(answer)) return 'wrong';
    const expected = this.mac(`c1|${ip}|${expires}|${nonce}|${Number(answer)}`);
    return safeEqual(expected, parts[3]) ? 'ok' : 'wrong';
  }

  /** A pass for `ip` (the cookie value), valid for `passTtlMs`. */
  issuePass(ip: string): string {
    const expires = this.clock.now() + this.passTtlMs;
    return `p1.${expires.toString(36)}.${this.mac(`p1|${ip}|${expires}`)}`;
  }

  /** Is `value` a pass issued to `ip` that has not expired? */
  verifyPass(ip: string, value: string): boolean {
    const parts = value.split('.');
    if (parts.length !== 3 || parts[0] !== 'p1' || !B64URL.test(parts[2])) return false;
    const expires = parseInt(parts[1], 36);
    if (!Number.isSafeInteger(expires) || expires <= this.clock.now()) return false;
    return safeEqual(this.mac(`p1|${ip}|${expires}`), parts[2]);
  }

  private spend(nonce: string, expires: number, now: number): void {
    for (const [n, e] of this.spent) {
      if (e > now && this.spent.size < this.maxSpent) break;
      this.spent.delete(n);
    }
    this.spent.set(nonce, expires);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
