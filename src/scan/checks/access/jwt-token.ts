/**
 * JSON Web Tokens taken apart and forged, with node:crypto only: decoding without verification,
 * re-encoding with other claims, `alg: none` copies, and HMAC signatures (HS256/384/512).
 */
import { createHmac, createPublicKey, timingSafeEqual, type JsonWebKey, type KeyObject } from 'node:crypto';
import { isObject, type JsonObject } from './common.js';

export interface DecodedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  /** The three segments as they came. */
  readonly parts: readonly [string, string, string];
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string): JsonObject | undefined {
  if (!SEGMENT.test(segment) || segment.length > 16_384) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A JWS compact token's header and claims, or undefined when the text is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (header === undefined || payload === undefined || typeof header.alg !== 'string') return undefined;
  // Claims that cannot be written back (absurd nesting) make the token unusable for forging.
  try {
    JSON.stringify(header);
    JSON.stringify(payload);
  } catch {
    return undefined;
  }
  return { header, payload, parts: [parts[0], parts[1], parts[2]] };
}

function encodeSegment(value: JsonObject): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const HMAC: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function hmacAlgorithm(alg: unknown): string | undefined {
  return typeof alg === 'string' ? HMAC[alg] : undefined;
}

/** The HMAC signature of `header.payload` with `secret`, base64url. */
function hmacSign(alg: string, signingInput: string, secret: string): string {
  return createHmac(alg, secret).update(signingInput).digest('base64url');
}

/** The secret among `candidates` that produced the token's HMAC signature, if any. */
export function crackHmac(jwt: DecodedJwt, candidates: Iterable<string>): string | undefined {
  const alg = hmacAlgorithm(jwt.header.alg);
  if (alg === undefined) return undefined;
  const signingInput = `${jwt.parts[0]}.${jwt.parts[1]}`;
  let given: Buffer;
  try {
    given = Buffer.from(jwt.parts[2], 'base64url');
  } catch {
    return undefined;
  }
  if (given.length === 0) return undefined;
  for (const secret of candidates) {
    const mac = createHmac(alg, secret).update(signingInput).digest();
    if (mac.length === given.length && timingSafeEqual(mac, given)) return secret;
  }
  return undefined;
}

/** A token with this header and payload signed with the HMAC `secret`. */
export function signHmac(header: JsonObject, payload: JsonObject, secret: string): string | undefined {
  const alg = hmacAlgorithm(header.alg);
  if (alg === undefined) return undefined;
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${input}.${hmacSign(alg, input, secret)}`;
}

/** Copies of the token with `alg: none` (several spellings) and an empty signature. */
export function noneVariants(jwt: DecodedJwt): string[] {
  const payload = jwt.parts[1];
  return ['none', 'None', 'NONE', 'nOnE'].map((alg) => `${encodeSegment({ ...jwt.header, alg })}.${payload}.`);
}

/** The token with one claim added to its payload and its original signature kept. */
export function tamperedPayload(jwt: DecodedJwt, claim: string, value: string): string {
  return `${jwt.parts[0]}.${encodeSegment({ ...jwt.payload, [claim]: value })}.${jwt.parts[2]}`;
}

/** Whether tokens of this algorithm are signed with a private key (the public one verifies them). */
export function isAsymmetric(alg: unknown): boolean {
  return typeof alg === 'string' && /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(alg);
}

/**
 * The texts a confused verifier may use as the HMAC secret for a public key given as a JWK: the
 * SPKI PEM (with and without its final newline) and, for RSA, the PKCS#1 PEM. Keys that are not
 * public RSA/EC/OKP keys give nothing.
 */
export function publicKeyTexts(jwk: JsonObject): string[] {
  if (!['RSA', 'EC', 'OKP'].includes(String(jwk.kty)) || 'd' in jwk) return [];
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return [];
  }
  const pems = [String(key.export({ type: 'spki', format: 'pem' }))];
  if (jwk.kty === 'RSA') pems.push(String(key.export({ type: 'pkcs1', format: 'pem' })));
  return pems.flatMap((pem) => [pem, pem.trimEnd()]);
}

/** The token with its header changed (and the original signature kept). */
export function withHeader(jwt: DecodedJwt, header: JsonObject): string {
  return `${encodeSegment(header)}.${jwt.parts[1]}.${jwt.parts[2]}`;
}
