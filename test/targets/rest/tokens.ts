import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../kit/clock.js';

/**
 * Login tokens (HS256 JWTs, exp one hour ahead) for both variants.
 * Vulnerable: a home-made JWT library signing with the secret "secret", that honours
 * {"alg":"none"} and never looks at exp. Fixed: jose, a random 32-byte secret per start, HS256
 * only, exp required and checked against the target's clock.
 */

export const TOKEN_LIFETIME_SECONDS = 3600;
/** The weak secret of the vulnerable variant (first page of every JWT wordlist). */
export const WEAK_JWT_SECRET = 'secret';

export interface TokenClaims {
  sub: string;
  username: string;
  role: string;
}

export interface TokenService {
  issue(claims: TokenClaims): Promise<string>;
  /** The subject of a token this service accepts, or null. */
  verify(token: string): Promise<string | null>;
}

export type { Clock } from '../kit/clock.js';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function parseJsonObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function vulnerableTokens(clock: Clock): TokenService {
  const sign = (input: string): Buffer => createHmac('sha256', WEAK_JWT_SECRET).update(input).digest();
  return {
    async issue(claims) {
      const iat = Math.floor(clock.now() / 1000);
      const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = b64url(JSON.stringify({ ...claims, iat, exp: iat + TOKEN_LIFETIME_SECONDS }));
      return `${head}.${body}.${b64url(sign(`${head}.${body}`))}`;
    },
    async verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return null;
      const header = parseJsonObject(parts[0]);
      const payload = parseJsonObject(parts[1]);
      if (header === null || payload === null) return null;
      const alg = typeof header.alg === 'string' ? header.alg : '';
      if (alg.toLowerCase() !== 'none') {
        if (alg !== 'HS256') return null;
        const given = Buffer.from(parts[2], 'base64url');
        const expected = sign(`${parts[0]}.${parts[1]}`);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      }
      // No exp check: an expired token stays valid forever.
      return typeof payload.sub === 'string' ? payload.sub : null;
    },
  };
}

export function fixedTokens(clock: Clock): TokenService {
  const key = new Uint8Array(randomBytes(32));
  return {
    async issue(claims) {
      const iat = Math.floor(clock.now() / 1000);
      return new SignJWT({ username: claims.username, role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          currentDate: new Date(clock.now()),
        });
        return payload.sub ?? null;
      } catch {
        return null;
      }
    },
  };
}
