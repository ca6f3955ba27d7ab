import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * How secrets are kept: bouncer API keys as their SHA-256 (hex) — keys are long random strings, so
 * a fast hash is enough and lets a request's key be looked up by its hash — and machine passwords
 * with scrypt (slow on purpose: passwords may be weak), in a self-describing text
 * `scrypt$N$r$p$salt$hash` (base64url) so that parameters can change without breaking old hashes.
 */

/** The hash a bouncer's API key is stored and looked up by (SHA-256, lowercase hex). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hashes (hex text) in constant time for equal lengths. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_LENGTH = 32;
/** Enough for N=2^17, r=8 (128 MiB would be 128·N·r bytes); refuses stored parameters beyond it. */
const MAX_MEMORY = 160 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { N: n, r, p, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A scrypt hash of `password` with a fresh random salt, as stored in `machines.password_hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH);
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const DUMMY_SALT = Buffer.alloc(16, 7);

/**
 * Whether `password` matches `stored` (from `hashPassword`). A stored text that is not a scrypt
 * hash never matches; with `stored` null (unknown machine) the same work is done anyway, so the
 * answer time does not tell whether a machine exists.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') {
    await scryptAsync(password, DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH);
    return false;
  }
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  const sane = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0 && Number.isInteger(r) && r > 0 && Number.isInteger(p) && p > 0;
  if (!sane || expected.length < 16 || 128 * n * r > MAX_MEMORY) return false;
  try {
    const key = await scryptAsync(password, salt, n, r, p, expected.length);
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}
