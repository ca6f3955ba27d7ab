import { afterEach, describe, expect, it } from 'vitest';
import type { Check } from '../../check.js';
import { JWT_GRAPHQL_API, JWT_REST_API, JWT_REST_OPS, startJwtGraphqlApp, startJwtRestApp, type JwtApp, type JwtFlaws } from './jwt-fixtures.js';
import { CanaryServer } from '../../oob/canary-server.js';
import { crackHmac, decodeJwt, noneVariants, publicKeyTexts, signHmac, tamperedPayload } from './jwt-token.js';
import { jwtAlgConfusionCheck, jwtExpiryCheck, jwtKeyUrlCheck, jwtNoneCheck, jwtSignatureCheck, jwtWeakSecretCheck } from './jwt.js';
import { harness, serve, USERS, type Harness } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function rest(flaws: JwtFlaws, canary?: CanaryServer): Promise<{ h: Harness; app: JwtApp }> {
  const app = await startJwtRestApp(flaws);
  open.push(app);
  const tokens = { alice: await app.tokenFor('alice'), bob: await app.tokenFor('bob'), admin: await app.tokenFor('admin') };
  const h = harness({ api: JWT_REST_API, baseUrl: app.baseUrl, users: USERS, tokens, ...(canary ? { canary } : {}) });
  await h.sample(JWT_REST_OPS.me, 'alice');
  return { h, app };
}

async function runOn(flaws: JwtFlaws, check: Check) {
  const { h } = await rest(flaws);
  return h.run(check);
}

describe('auth.jwt-none', () => {
  it('reports tokens with alg none and no signature being accepted, on the login operation', async () => {
    const found = await runOn({ acceptNone: true }, jwtNoneCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    const forged = found[0].evidence[1].request.headers.authorization ?? '';
    expect(decodeJwt(forged.slice(7))?.header.alg).toMatch(/^none$/i);
    expect(forged.endsWith('.')).toBe(true);
    expect(found[0].evidence[1].response?.status).toBe(200);
  });

  it('stays silent when tokens are verified with a fixed algorithm list', async () => {
    expect(await runOn({}, jwtNoneCheck)).toEqual([]);
  });

  it('does not take a guest answer to a bad token for acceptance', async () => {
    const good = await startJwtRestApp({});
    open.push(good);
    const token = await good.tokenFor('alice');
    // Any bearer token other than the real one gets a guest profile; no token gets 401.
    const app = await serve((a) =>
      a.get('/api/me', async (req, reply) => {
        const auth = req.headers.authorization;
        if (auth === undefined) return reply.code(401).send({ error: 'unauthorized' });
        return auth === `Bearer ${token}` ? { id: 'u-1', name: 'user u-1' } : { id: 'guest', name: 'Guest' };
      }),
    );
    open.push(app);
    const h = harness({ api: JWT_REST_API, baseUrl: app.baseUrl, users: USERS, tokens: { alice: token } });
    expect(await h.run(jwtNoneCheck)).toEqual([]);
    expect(await h.run(jwtSignatureCheck)).toEqual([]);
    expect(h.client.stats.requests).toBeGreaterThan(2);
  });

  it('works over GraphQL, with a "me" query as the probe', async () => {
    for (const [flaws, expected] of [[{ acceptNone: true }, ['Mutation.login']], [{}, []]] as const) {
      const app = await startJwtGraphqlApp(flaws);
      open.push(app);
      const h = harness({ api: JWT_GRAPHQL_API, baseUrl: app.baseUrl, users: USERS, tokens: { alice: await app.tokenFor('alice') } });
      const found = await h.run(jwtNoneCheck);
      expect(found.map((f) => f.location)).toEqual(expected);
    }
  });
});

describe('auth.jwt-signature-unchecked', () => {
  it('reports a token whose payload was changed after signing being accepted', async () => {
    const found = await runOn({ skipSignature: true }, jwtSignatureCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    expect(found[0].detail).toMatch(/signatures are not verified/);
  });

  it('stays silent when signatures are verified, even if alg none is (that is the other check)', async () => {
    expect(await runOn({}, jwtSignatureCheck)).toEqual([]);
    expect(await runOn({ acceptNone: true }, jwtSignatureCheck)).toEqual([]);
  });
});

describe('auth.jwt-weak-secret', () => {
  it('cracks a tutorial secret offline, sends nothing and masks the secret', async () => {
    const { h } = await rest({ secret: 'your-256-bit-secret' });
    const before = h.client.stats.requests;
    const found = await h.run(jwtWeakSecretCheck);
    expect(h.client.stats.requests).toBe(before);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    expect(found[0].detail).toContain('your**');
    expect(found[0].detail).not.toContain('your-256-bit-secret');
  });

  it('finds secrets made from the API name', async () => {
    const { h } = await rest({ secret: 'test-shop-secret' });
    expect((await h.run(jwtWeakSecretCheck)).length).toBe(1);
  });

  it('stays silent on a random 32-byte secret', async () => {
    expect(await runOn({}, jwtWeakSecretCheck)).toEqual([]);
  });
});

describe('auth.jwt-expiry-unchecked', () => {
  it('reports an expired token, signed with the cracked secret, being accepted', async () => {
    const found = await runOn({ secret: 'changeme', skipExpiry: true }, jwtExpiryCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    const sent = decodeJwt((found[0].evidence[1].request.headers.authorization ?? '').slice(7));
    expect(Number(sent?.payload.exp)).toBeLessThan(Date.now() / 1000);
  });

  it('stays silent when exp is checked, even with a weak secret', async () => {
    expect(await runOn({ secret: 'changeme' }, jwtExpiryCheck)).toEqual([]);
  });

  it('does not try without a cracked secret', async () => {
    const { h } = await rest({ skipExpiry: true });
    const before = h.client.stats.requests;
    expect(await h.run(jwtExpiryCheck)).toEqual([]);
    expect(h.client.stats.requests).toBe(before);
  });
});

describe('auth.jwt-alg-confusion', () => {
  it('re-signs an RS256 token as HS256 with the published public key, and reports it accepted', async () => {
    const found = await runOn({ rsa: { confusion: true } }, jwtAlgConfusionCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    expect(found[0].detail).toMatch(/RS256 token re-signed as HS256 with the public key published at \/.well-known\/jwks.json/);
    expect(decodeJwt((found[0].evidence[2].request.headers.authorization ?? '').slice(7))?.header).toMatchObject({ alg: 'HS256', kid: 'k1' });
  });

  it('stays silent when the verifier is given RS256 only, and does not try HS256 tokens', async () => {
    expect(await runOn({ rsa: {} }, jwtAlgConfusionCheck)).toEqual([]);
    const { h } = await rest({ secret: 'changeme' });
    const before = h.client.stats.requests;
    expect(await h.run(jwtAlgConfusionCheck)).toEqual([]);
    expect(h.client.stats.requests).toBe(before);
  });
});

describe('auth.jwt-key-url', () => {
  it('reports a server that fetches the key URL a token names, seen on the canary', async () => {
    const canary = await CanaryServer.start();
    open.push(canary);
    const { h } = await rest({ rsa: { followKeyUrl: true } }, canary);
    const found = await h.run(jwtKeyUrlCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /api/login']);
    expect(found[0].detail).toMatch(/"jku" header named http:\/\/127\.0\.0\.1:\d+/);
  });

  it('stays silent when the server ignores jku and x5u', async () => {
    const canary = await CanaryServer.start();
    open.push(canary);
    const { h } = await rest({ rsa: {} }, canary);
    expect(await h.run(jwtKeyUrlCheck)).toEqual([]);
  });
});

describe('JWT checks without JWTs', () => {
  it('send nothing when the credentials are not JWTs', async () => {
    const app = await startJwtRestApp({ acceptNone: true, skipSignature: true });
    open.push(app);
    const h = harness({ api: JWT_REST_API, baseUrl: app.baseUrl, users: USERS, tokens: { alice: 'opaque-token' } });
    for (const check of [jwtNoneCheck, jwtSignatureCheck, jwtWeakSecretCheck, jwtExpiryCheck, jwtAlgConfusionCheck, jwtKeyUrlCheck]) expect(await h.run(check)).toEqual([]);
    expect(h.client.stats.requests).toBe(0);
  });
});

describe('jwt-token', () => {
  const token = signHmac({ alg: 'HS256', typ: 'JWT' }, { sub: '1', exp: 2_000_000_000 }, 'secret') ?? '';

  it('cracks a token against a list and only with the right secret', () => {
    const jwt = decodeJwt(token);
    expect(jwt).toBeDefined();
    if (jwt === undefined) return;
    expect(crackHmac(jwt, ['password', 'secret'])).toBe('secret');
    expect(crackHmac(jwt, ['password', 'Secret'])).toBeUndefined();
  });

  it('forges alg none copies with the same claims and no signature', () => {
    const jwt = decodeJwt(token);
    if (jwt === undefined) throw new Error('not a jwt');
    for (const forged of noneVariants(jwt)) {
      const d = decodeJwt(forged);
      expect(d?.payload).toEqual(jwt.payload);
      expect(d?.parts[2]).toBe('');
    }
    expect(decodeJwt(tamperedPayload(jwt, 'x', 'y'))?.parts[2]).toBe(jwt.parts[2]);
  });

  it('rejects what is not a JWT', () => {
    for (const text of ['', 'a.b', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9', `${'A'.repeat(20000)}.e30.x`, 'e30.e30.x']) expect(decodeJwt(text)).toBeUndefined();
  });

  it('turns a public JWK into the PEM texts a confused verifier uses as HMAC secret, and refuses private or odd keys', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const texts = publicKeyTexts(jwk);
    expect(texts).toContain(String(publicKey.export({ type: 'spki', format: 'pem' })));
    expect(texts.some((t) => t.startsWith('-----BEGIN RSA PUBLIC KEY-----'))).toBe(true);
    expect(publicKeyTexts(privateKey.export({ format: 'jwk' }) as Record<string, unknown>)).toEqual([]);
    expect(publicKeyTexts({ kty: 'RSA' })).toEqual([]);
    expect(publicKeyTexts({ kty: 'oct', k: 'c2VjcmV0' })).toEqual([]);
  });
});
