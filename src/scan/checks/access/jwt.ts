/**
 * The JWT checks, run when a scan user's credentials are a JWT. Forged tokens are sent to a probe:
 * an operation that answers the user with content and refuses an anonymous caller; a forged token
 * counts as accepted when the probe answers it like the real token.
 *  - auth.jwt-none: the same claims with `alg: none` and no signature.
 *  - auth.jwt-signature-unchecked: a claim added, the original signature kept.
 *  - auth.jwt-weak-secret: the HMAC secret is in a wordlist (offline, no request).
 *  - auth.jwt-expiry-unchecked: with the cracked secret, a copy whose `exp` is past.
 *  - auth.jwt-alg-confusion: an RS/PS/ES/EdDSA token re-signed HS256 with the API's published public
 *    key (JWKS at the usual places, the token's own `jku` on the origin, or a key operation of the
 *    description) as the HMAC secret.
 *  - auth.jwt-key-url: copies whose `jku`/`x5u` header points at the scanner's canary; the server
 *    fetching it is the proof.
 * Findings are placed on the login operation (where the tokens come from) when the API has one.
 */
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import { isObject, type JsonObject } from './common.js';
import type { Check, CheckContext } from '../../check.js';
import { comparableContent, graphqlFieldName, is2xx, isEmptyContent, isMutating, jsonOf, locationOf, maskSecret, sameData, samplesOf } from './common.js';
import { buildOperation, graphqlRequest, graphqlResult, graphqlSchema, requiredArgs, rootType, selectionFor } from './graphql.js';
import { JWT_ALG_CONFUSION_INFO, JWT_EXPIRY_INFO, JWT_KEY_URL_INFO, JWT_NONE_INFO, JWT_SIGNATURE_INFO, JWT_WEAK_SECRET_INFO } from './info-auth.js';
import { findLoginOperation } from './login-operation.js';
import { crackHmac, decodeJwt, hmacAlgorithm, isAsymmetric, noneVariants, publicKeyTexts, signHmac, tamperedPayload, withHeader, type DecodedJwt } from './jwt-token.js';
import { derivedSecrets, JWT_SECRET_WORDLIST } from './jwt-wordlist.js';
import { pathParams, restRequest } from './rest.js';

const ME = /\/(me|self|current|whoami|profile|account)\/?$|^(me|viewer|currentUser|whoami)$/i;

interface UserToken {
  readonly user: string;
  readonly token: string;
  readonly jwt: DecodedJwt;
}

/** The first user (normal users first) whose token is a JWT. */
function userToken(ctx: CheckContext): UserToken | undefined {
  const ordered = [...ctx.users].sort((a, b) => Number(a.role === 'admin') - Number(b.role === 'admin'));
  for (const u of ordered) {
    const token = ctx.client.tokenOf(u.name);
    const jwt = token === undefined ? undefined : decodeJwt(token);
    if (token !== undefined && jwt !== undefined) return { user: u.name, token, jwt };
  }
  return undefined;
}

interface Probe extends UserToken {
  readonly op: ApiOperation;
  readonly request: ScanRequest;
  readonly reference: unknown;
  readonly userExchange: Exchange;
  readonly anonExchange: Exchange;
  /** The header that carries the token and its value with `\u0000` where the token goes. */
  readonly header: string;
  readonly template: string;
}

function resultOf(ctx: CheckContext, op: ApiOperation, ex: Exchange): unknown {
  if (ctx.api.kind === 'graphql') {
    const v = graphqlResult(ex, graphqlFieldName(op)).value;
    return v === null ? undefined : v;
  }
  return is2xx(ex) ? (jsonOf(ex) ?? (ex.response?.body.trim() || undefined)) : undefined;
}

function probeRequests(ctx: CheckContext, user: string): { op: ApiOperation; request: ScanRequest }[] {
  const out: { op: ApiOperation; request: ScanRequest }[] = [];
  // Operations about the caller first, then those documented as secured; a probe must refuse
  // anonymous callers anyway, which findProbe checks.
  const name = (op: ApiOperation) => (ctx.api.kind === 'graphql' ? graphqlFieldName(op) : op.path);
  const score = (op: ApiOperation) => (ME.test(name(op)) ? 2 : 0) + (op.requiresAuth ? 1 : 0);
  const ops = ctx.api.operations.filter((op) => !isMutating(ctx.api, op) && op.method !== 'OPTIONS').sort((a, b) => score(b) - score(a));
  const schema = graphqlSchema(ctx.api);
  for (const op of ops) {
    const sample = samplesOf(ctx, op).find((s) => s.user === user) ?? samplesOf(ctx, op).find((s) => s.user !== null);
    if (sample !== undefined) out.push({ op, request: sample.request });
    else if (ctx.api.kind === 'rest' && op.method === 'GET' && pathParams(op.path).length === 0 && !op.parameters.some((p) => p.required)) {
      const request = restRequest(ctx, op, {});
      if (request !== undefined) out.push({ op, request });
    } else if (schema !== undefined && op.id.startsWith('Query.')) {
      const field = rootType(schema, 'Query')?.getFields()[graphqlFieldName(op)];
      if (field === undefined || requiredArgs(field).length > 0) continue;
      out.push({ op, request: graphqlRequest(ctx, buildOperation('Query', field, {}, selectionFor(field.type))) });
    }
  }
  return out.slice(0, 4);
}

async function findProbe(ctx: CheckContext, ut: UserToken): Promise<Probe | undefined> {
  for (const { op, request } of probeRequests(ctx, ut.user)) {
    if (!ctx.client.canSend(2)) return undefined;
    const userExchange = await ctx.client.send(request, { as: ut.user });
    const reference = resultOf(ctx, op, userExchange);
    if (reference === undefined || isEmptyContent(reference)) continue;
    const anonExchange = await ctx.client.send(request);
    if (accepted(ctx, op, reference, anonExchange)) continue;
    let header = 'authorization';
    let template = 'Bearer \u0000';
    for (const [k, v] of Object.entries(ctx.client.credentialsOf(ut.user))) {
      if (v.includes(ut.token)) {
        header = k;
        template = v.split(ut.token).join('\u0000');
        break;
      }
    }
    return { ...ut, op, request, reference, userExchange, anonExchange, header, template };
  }
  return undefined;
}

/** Whether an answer is the user's own (a forged token with the user's claims must get just that). */
function accepted(ctx: CheckContext, op: ApiOperation, reference: unknown, ex: Exchange): boolean {
  const got = resultOf(ctx, op, ex);
  return typeof reference === 'string' ? got === reference : comparableContent(reference, got) && sameData(reference, got);
}

async function sendWith(ctx: CheckContext, probe: Probe, token: string): Promise<{ ex: Exchange; ok: boolean }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(probe.request.headers)) if (k.toLowerCase() !== probe.header.toLowerCase()) headers[k] = v;
  headers[probe.header] = probe.template.split('\u0000').join(token);
  const ex = await ctx.client.send({ ...probe.request, headers });
  return { ex, ok: accepted(ctx, probe.op, probe.reference, ex) };
}

function where(ctx: CheckContext, probe?: Probe): string {
  const login = findLoginOperation(ctx);
  if (login !== undefined) return locationOf(ctx.api, login.op);
  return probe !== undefined ? locationOf(ctx.api, probe.op) : 'Authorization header (JWT)';
}

function secretCandidates(ctx: CheckContext): string[] {
  return ['', ...JWT_SECRET_WORDLIST, ...derivedSecrets([ctx.api.title, ctx.baseUrl.hostname.split('.')[0] ?? ''])];
}

function crack(ctx: CheckContext, ut: UserToken): string | undefined {
  return hmacAlgorithm(ut.jwt.header.alg) === undefined ? undefined : crackHmac(ut.jwt, secretCandidates(ctx));
}

const isNone = (alg: unknown) => typeof alg === 'string' && alg.toLowerCase() === 'none';

async function runNone(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined) return;
  const probe = await findProbe(ctx, ut);
  if (probe === undefined) return;
  if (isNone(ut.jwt.header.alg)) {
    ctx.report({
      location: where(ctx, probe),
      detail: `The API issues unsigned tokens (alg "${String(ut.jwt.header.alg)}") and accepts them.`,
      evidence: [probe.userExchange, probe.anonExchange],
    });
    return;
  }
  for (const forged of noneVariants(ut.jwt)) {
    if (!ctx.client.canSend()) return;
    const r = await sendWith(ctx, probe, forged);
    if (r.ok) {
      const alg = decodeJwt(forged)?.header.alg;
      ctx.report({
        location: where(ctx, probe),
        detail:
          `A copy of ${ut.user}'s token with alg "${String(alg)}" and no signature was accepted by ` +
          `${locationOf(ctx.api, probe.op)}, which refuses anonymous requests.`,
        evidence: [probe.anonExchange, r.ex],
      });
      return;
    }
  }
}

async function runSignature(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined || isNone(ut.jwt.header.alg) || ut.jwt.parts[2] === '') return;
  const probe = await findProbe(ctx, ut);
  if (probe === undefined || !ctx.client.canSend()) return;
  const forged = tamperedPayload(ut.jwt, 'herd_probe', 'tampered');
  const r = await sendWith(ctx, probe, forged);
  if (!r.ok) return;
  ctx.report({
    location: where(ctx, probe),
    detail:
      `${ut.user}'s token with a claim added to its payload and the original signature kept was accepted by ` +
      `${locationOf(ctx.api, probe.op)}, which refuses anonymous requests: signatures are not verified.`,
    evidence: [probe.anonExchange, r.ex],
  });
}

async function runWeakSecret(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined) return;
  const secret = crack(ctx, ut);
  if (secret === undefined) return;
  const login = findLoginOperation(ctx);
  const evidence = login === undefined ? [] : samplesOf(ctx, login.op).slice(0, 1).map((s) => s.exchange);
  ctx.report({
    location: where(ctx),
    detail:
      `${String(ut.jwt.header.alg)} tokens (${ut.user}'s) are signed with a secret from a list of common secrets: ` +
      `${secret === '' ? 'the empty string' : maskSecret(secret)}. Anyone can sign tokens for any user.`,
    evidence,
  });
}

async function runExpiry(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined) return;
  const secret = crack(ctx, ut);
  if (secret === undefined) return;
  const probe = await findProbe(ctx, ut);
  if (probe === undefined || !ctx.client.canSend(2)) return;
  // Control: the same claims signed with the cracked secret must be accepted.
  const resigned = signHmac(ut.jwt.header, ut.jwt.payload, secret);
  if (resigned === undefined || !(await sendWith(ctx, probe, resigned)).ok) return;
  // Relative to the server's own issue time, so that a server clock far from ours does not matter.
  const iat = typeof ut.jwt.payload.iat === 'number' ? ut.jwt.payload.iat : Math.floor(Date.now() / 1000);
  const expiredClaims = { ...ut.jwt.payload, iat: iat - 7200, exp: iat - 3600, ...(ut.jwt.payload.nbf !== undefined ? { nbf: iat - 7200 } : {}) };
  const expired = signHmac(ut.jwt.header, expiredClaims, secret);
  if (expired === undefined) return;
  const r = await sendWith(ctx, probe, expired);
  if (!r.ok) return;
  ctx.report({
    location: where(ctx, probe),
    detail: `A validly signed copy of ${ut.user}'s token whose exp lies one hour before its original issue time was accepted by ${locationOf(ctx.api, probe.op)}.`,
    evidence: [probe.anonExchange, r.ex],
  });
}

/** Where APIs publish their public keys (under the origin and under the base path). */
const KEY_PATHS = ['/.well-known/jwks.json', '/jwks.json', '/.well-known/openid-configuration', '/.well-known/keys', '/oauth2/jwks', '/oauth/jwks', '/api/jwks.json', '/keys'];
const KEY_OPERATION = /jwks|certs|public[-_]?key|\.well-known/i;
/** Most HMAC secrets tried (each a request). */
const MAX_KEY_TEXTS = 12;

interface PublishedKeys {
  /** HMAC secrets to try, the token's `kid` first. */
  readonly texts: readonly string[];
  readonly exchange: Exchange;
}

function keyUrls(ctx: CheckContext, ut: UserToken): string[] {
  const urls: string[] = [];
  const add = (u: URL | string): void => {
    const url = new URL(u.toString());
    if (url.origin === ctx.baseUrl.origin && !urls.includes(url.toString())) urls.push(url.toString());
  };
  if (typeof ut.jwt.header.jku === 'string') {
    try {
      add(new URL(ut.jwt.header.jku));
    } catch {
      // not a URL: ignored
    }
  }
  if (ctx.api.kind === 'rest') {
    for (const op of ctx.api.operations) {
      if (op.method !== 'GET' || !KEY_OPERATION.test(op.path) || pathParams(op.path).length > 0) continue;
      const request = restRequest(ctx, op, {});
      if (request !== undefined) add(request.url);
    }
  }
  const prefixes = [...new Set([ctx.baseUrl.pathname.replace(/\/$/, ''), ''])];
  for (const prefix of prefixes) for (const path of KEY_PATHS) add(new URL(`${prefix}${path}`, ctx.baseUrl.origin));
  return urls;
}

/** Keys (JWK, JWK set, OpenID configuration's jwks_uri, PEM text) from one answer. */
function keyTextsIn(body: string, kid: unknown): { texts: string[]; jwksUri?: string } {
  const pem = body.match(/-----BEGIN (RSA )?PUBLIC KEY-----[A-Za-z0-9+/=\r\n]{1,8000}-----END (RSA )?PUBLIC KEY-----/);
  if (pem !== null) return { texts: [`${pem[0]}\n`, pem[0]] };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { texts: [] };
  }
  if (!isObject(json)) return { texts: [] };
  if (typeof json.jwks_uri === 'string') return { texts: [], jwksUri: json.jwks_uri };
  const keys = Array.isArray(json.keys) ? json.keys.filter(isObject) : typeof json.kty === 'string' ? [json] : [];
  keys.sort((a: JsonObject, b: JsonObject) => Number(b.kid === kid) - Number(a.kid === kid));
  return { texts: keys.slice(0, 4).flatMap((k: JsonObject) => publicKeyTexts(k)) };
}

async function publishedKeys(ctx: CheckContext, ut: UserToken): Promise<PublishedKeys | undefined> {
  const urls = keyUrls(ctx, ut);
  for (let i = 0; i < urls.length && i < 24; i++) {
    if (!ctx.client.canSend()) return undefined;
    const exchange = await ctx.client.send({ method: 'GET', url: urls[i]!, headers: { accept: 'application/json, application/jwk-set+json, */*;q=0.5' } });
    if (!is2xx(exchange)) continue;
    const found = keyTextsIn(exchange.response!.body.slice(0, 1 << 20), ut.jwt.header.kid);
    if (found.jwksUri !== undefined) {
      try {
        const u = new URL(found.jwksUri, urls[i]);
        if (u.origin === ctx.baseUrl.origin && !urls.includes(u.toString())) urls.splice(i + 1, 0, u.toString());
      } catch {
        // not a URL: ignored
      }
    }
    if (found.texts.length > 0) return { texts: found.texts.slice(0, MAX_KEY_TEXTS), exchange };
  }
  return undefined;
}

async function runAlgConfusion(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined || !isAsymmetric(ut.jwt.header.alg)) return;
  const keys = await publishedKeys(ctx, ut);
  if (keys === undefined) return;
  const probe = await findProbe(ctx, ut);
  if (probe === undefined) return;
  const { jku: _jku, x5u: _x5u, jwk: _jwk, ...header } = ut.jwt.header;
  for (const secret of keys.texts) {
    if (!ctx.client.canSend()) return;
    const forged = signHmac({ ...header, alg: 'HS256' }, ut.jwt.payload, secret);
    if (forged === undefined) return;
    const r = await sendWith(ctx, probe, forged);
    if (!r.ok) continue;
    ctx.report({
      location: where(ctx, probe),
      detail:
        `${ut.user}'s ${String(ut.jwt.header.alg)} token re-signed as HS256 with the public key published at ${new URL(keys.exchange.request.url).pathname} ` +
        `as the HMAC secret was accepted by ${locationOf(ctx.api, probe.op)}, which refuses anonymous requests.`,
      evidence: [keys.exchange, probe.anonExchange, r.ex],
    });
    return;
  }
}

async function runKeyUrl(ctx: CheckContext): Promise<void> {
  const ut = userToken(ctx);
  if (ut === undefined || !isAsymmetric(ut.jwt.header.alg)) return;
  const probe = await findProbe(ctx, ut);
  if (probe === undefined) return;
  const sent: { name: string; url: string; ex: Exchange }[] = [];
  for (const name of ['jku', 'x5u']) {
    if (!ctx.client.canSend()) break;
    const url = ctx.canary.url(`jwt ${name}`);
    const r = await sendWith(ctx, probe, withHeader(ut.jwt, { ...ut.jwt.header, [name]: url }));
    sent.push({ name, url, ex: r.ex });
  }
  const deadline = Date.now() + 3000;
  for (const s of sent) {
    if (!(await ctx.canary.wasHit(s.url, Math.max(0, deadline - Date.now())))) continue;
    ctx.report({
      location: where(ctx, probe),
      detail: `A copy of ${ut.user}'s token whose "${s.name}" header named ${s.url} was sent to ${locationOf(ctx.api, probe.op)}, and the server fetched that URL from the scanner's canary: it takes verification keys from where the token says.`,
      evidence: [s.ex],
    });
    return;
  }
}

export const jwtNoneCheck: Check = { ...JWT_NONE_INFO, appliesTo: 'any', run: runNone };
export const jwtSignatureCheck: Check = { ...JWT_SIGNATURE_INFO, appliesTo: 'any', run: runSignature };
export const jwtWeakSecretCheck: Check = { ...JWT_WEAK_SECRET_INFO, appliesTo: 'any', run: runWeakSecret };
export const jwtExpiryCheck: Check = { ...JWT_EXPIRY_INFO, appliesTo: 'any', run: runExpiry };
export const jwtAlgConfusionCheck: Check = { ...JWT_ALG_CONFUSION_INFO, appliesTo: 'any', run: runAlgConfusion };
export const jwtKeyUrlCheck: Check = { ...JWT_KEY_URL_INFO, appliesTo: 'any', run: runKeyUrl };
