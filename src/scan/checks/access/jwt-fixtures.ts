/**
 * Apps for the JWT checks' tests: a REST API and a GraphQL API that issue HS256 tokens and verify
 * them either properly (jose, HS256 only, exp required) or with one chosen weakness.
 */
import { createHmac, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildSchema, graphql } from 'graphql';
import { SignJWT, jwtVerify } from 'jose';
import { graphqlApi, jsonBody, operation, restApi, serve, type Served } from './test-kit.js';

export interface JwtFlaws {
  /** The HMAC secret (random when absent). */
  readonly secret?: string;
  readonly acceptNone?: boolean;
  readonly skipSignature?: boolean;
  readonly skipExpiry?: boolean;
  /**
   * RS256 tokens (key id `k1`, public key at /.well-known/jwks.json) instead of HS256, verified with
   * jose and RS256 only, unless: `confusion` (an HS256 token is checked with the public key's PEM
   * as HMAC secret, like verifiers that take the algorithm from the token), `followKeyUrl` (the
   * server fetches the token's `jku`/`x5u`).
   */
  readonly rsa?: { readonly confusion?: boolean; readonly followKeyUrl?: boolean };
}

export const JWT_USERS = { alice: 'u-1', bob: 'u-2', admin: 'u-3' } as const;

export interface JwtApp extends Served {
  tokenFor(user: keyof typeof JWT_USERS): Promise<string>;
}

function claimsOf(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The subject of a token the app accepts, or null. */
async function verify(token: string, key: Uint8Array, flaws: JwtFlaws): Promise<string | null> {
  const strict = !flaws.acceptNone && !flaws.skipSignature && !flaws.skipExpiry;
  if (strict) {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      return payload.sub ?? null;
    } catch {
      return null;
    }
  }
  const [h, p, s] = token.split('.');
  const header = claimsOf(h ?? '');
  const payload = claimsOf(p ?? '');
  if (header === null || payload === null || s === undefined) return null;
  const alg = String(header.alg ?? '');
  if (alg.toLowerCase() === 'none') {
    if (!flaws.acceptNone) return null;
  } else {
    if (alg !== 'HS256') return null;
    if (!flaws.skipSignature) {
      const mac = createHmac('sha256', key).update(`${h}.${p}`).digest();
      const given = Buffer.from(s, 'base64url');
      if (given.length !== mac.length || !timingSafeEqual(given, mac)) return null;
    }
  }
  if (!flaws.skipExpiry && !(typeof payload.exp === 'number' && payload.exp > Date.now() / 1000)) return null;
  return typeof payload.sub === 'string' ? payload.sub : null;
}

interface RsaKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly pem: string;
}

function rsaKeys(): RsaKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, pem: String(publicKey.export({ type: 'spki', format: 'pem' })) };
}

async function verifyRsa(token: string, keys: RsaKeys, flaws: NonNullable<JwtFlaws['rsa']>): Promise<string | null> {
  const [h, p, s] = token.split('.');
  const header = claimsOf(h ?? '');
  const payload = claimsOf(p ?? '');
  if (header === null || payload === null || s === undefined) return null;
  for (const name of ['jku', 'x5u']) {
    if (flaws.followKeyUrl && typeof header[name] === 'string') {
      void fetch(String(header[name]), { signal: AbortSignal.timeout(1000) }).then((r) => r.text()).catch(() => undefined);
    }
  }
  if (header.alg === 'HS256' && flaws.confusion) {
    const mac = createHmac('sha256', keys.pem).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== mac.length || !timingSafeEqual(given, mac)) return null;
    return typeof payload.exp === 'number' && payload.exp > Date.now() / 1000 && typeof payload.sub === 'string' ? payload.sub : null;
  }
  try {
    const { payload: verified } = await jwtVerify(token, keys.publicKey, { algorithms: ['RS256'], requiredClaims: ['exp'] });
    return verified.sub ?? null;
  } catch {
    return null;
  }
}

function issueRsa(keys: RsaKeys, sub: string): Promise<string> {
  return new SignJWT({ role: 'user' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'k1' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(keys.privateKey);
}

function keyOf(flaws: JwtFlaws): Uint8Array {
  return flaws.secret === undefined ? new Uint8Array(randomBytes(32)) : new TextEncoder().encode(flaws.secret);
}

async function issue(key: Uint8Array, sub: string): Promise<string> {
  return new SignJWT({ role: 'user' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(key);
}

function bearer(h: string | string[] | undefined): string {
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : '';
}

export async function startJwtRestApp(flaws: JwtFlaws): Promise<JwtApp> {
  const key = keyOf(flaws);
  const rsa = flaws.rsa === undefined ? undefined : rsaKeys();
  const sign = (sub: string): Promise<string> => (rsa === undefined ? issue(key, sub) : issueRsa(rsa, sub));
  const check = (token: string): Promise<string | null> => (rsa === undefined ? verify(token, key, flaws) : verifyRsa(token, rsa, flaws.rsa!));
  const served = await serve((app: FastifyInstance) => {
    app.post('/api/login', async (req, reply) => {
      const body = (req.body ?? {}) as { username?: string; password?: string };
      const sub = JWT_USERS[body.username as keyof typeof JWT_USERS];
      if (sub === undefined || body.password !== 'pw') return reply.code(401).send({ error: 'invalid credentials' });
      return { token: await sign(sub) };
    });
    app.get('/api/me', async (req, reply) => {
      const sub = await check(bearer(req.headers.authorization));
      return sub === null ? reply.code(401).send({ error: 'unauthorized' }) : { id: sub, name: `user ${sub}` };
    });
    if (rsa !== undefined) app.get('/.well-known/jwks.json', async () => ({ keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  });
  return { ...served, tokenFor: (user) => sign(JWT_USERS[user]) };
}

export const JWT_REST_OPS = {
  login: operation('POST', '/api/login', {
    id: 'login',
    requiresAuth: false,
    requestBody: jsonBody({ type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } }),
  }),
  me: operation('GET', '/api/me', { id: 'me' }),
};
export const JWT_REST_API = restApi(Object.values(JWT_REST_OPS));

export const JWT_SDL = `type Query { me: Viewer }
type Viewer { id: ID! name: String! }
type Mutation { login(username: String!, password: String!): Session }
type Session { token: String! }`;
export const JWT_GRAPHQL_API = graphqlApi(JWT_SDL, (id) => id !== 'Mutation.login');

export async function startJwtGraphqlApp(flaws: JwtFlaws): Promise<JwtApp> {
  const key = keyOf(flaws);
  const schema = buildSchema(JWT_SDL);
  const served = await serve((app: FastifyInstance) => {
    app.post('/graphql', async (req) => {
      const body = (req.body ?? {}) as { query?: string; variables?: Record<string, unknown> };
      const sub = await verify(bearer(req.headers.authorization), key, flaws);
      const rootValue = {
        me: () => (sub === null ? null : { id: sub, name: `user ${sub}` }),
        login: async (args: { username: string; password: string }) => {
          const s = JWT_USERS[args.username as keyof typeof JWT_USERS];
          if (s === undefined || args.password !== 'pw') throw new Error('invalid username or password');
          return { token: await issue(key, s) };
        },
      };
      return graphql({ schema, source: String(body.query ?? ''), rootValue, variableValues: body.variables });
    });
  });
  return { ...served, tokenFor: (user) => issue(key, JWT_USERS[user]) };
}
