import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { HerdError, type Clock } from '../core/index.js';

/**
 * The tokens machines get from POST /v1/watchers/login and send as `Authorization: Bearer …`:
 * JWT HS256 with CrowdSec's claims (`id` the machine id, `exp`, `orig_iat`), signed with the
 * configured secret (every API instance of a deployment must share it). Verified tokens are
 * remembered until they expire, so a machine's requests do not each pay for the HMAC.
 */

export const MIN_SECRET_BYTES = 32;

export type TokenCheck = { machineId: string } | { error: string };

export class MachineTokens {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { machineId: string; exp: number }>();

  constructor(
    secret: string | Uint8Array,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    this.key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    if (this.key.length < MIN_SECRET_BYTES) {
      throw new HerdError(
        'HERD_LAPI_CONFIG',
        `api.server.jwt_secret is ${this.key.length} bytes long; it needs at least ${MIN_SECRET_BYTES} (e.g. openssl rand -base64 48)`,
      );
    }
  }

  /** A token for `machineId`, and when it expires (ms). */
  async issue(machineId: string): Promise<{ token: string; expire: number }> {
    const nowSec = Math.floor(this.clock.now() / 1000);
    const expSec = nowSec + Math.max(1, Math.round(this.ttlMs / 1000));
    const token = await new SignJWT({ id: machineId, orig_iat: nowSec })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(expSec)
      .sign(this.key);
    return { token, expire: expSec * 1000 };
  }

  /** The machine id of a valid token, or gin-jwt's message for the failure. */
  async check(authorization: string | undefined): Promise<TokenCheck> {
    if (authorization === undefined || authorization === '') return { error: 'auth header is empty' };
    const space = authorization.indexOf(' ');
    if (space < 0 || authorization.slice(0, space) !== 'Bearer') return { error: 'auth header is invalid' };
    const token = authorization.slice(space + 1).trim();
    const now = this.clock.now();
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.exp > now) return { machineId: known.machineId };
      this.verified.delete(token);
      return { error: 'Token is expired' };
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: new Date(now) });
      if (typeof payload.id !== 'string' || payload.id === '' || typeof payload.exp !== 'number') return { error: 'token has no machine id' };
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, { machineId: payload.id, exp: payload.exp * 1000 });
      return { machineId: payload.id };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { error: 'Token is expired' };
      return { error: 'signature is invalid' };
    }
  }
}
