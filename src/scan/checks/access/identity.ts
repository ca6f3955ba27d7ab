/**
 * Who each scan user is on the target (their id, username, email), learned from their token's
 * claims and from "who am I" operations (`GET /users/me`), and which user owns an
 * object (an `ownerId`, `userId` or `owner { id }` pointing at one of them).
 */
import type { ApiOperation } from '../../model.js';
import type { CheckContext } from '../../check.js';
import { is2xx, isObject, jsonOf, normalizeName, samplesOf, type JsonObject } from './common.js';
import { decodeJwt } from './jwt-token.js';
import { pathParams, restRequest } from './rest.js';

export interface Identity {
  readonly user: string;
  /** Values that stand for the user: ids, usernames, emails (as strings). */
  readonly values: ReadonlySet<string>;
}

const CLAIMS = ['sub', 'uid', 'user_id', 'userId', 'id', 'username', 'preferred_username', 'email', 'login'];
const SELF_FIELDS = ['id', '_id', 'uuid', 'userId', 'user_id', 'username', 'login', 'email'];
const ME_PATH = /\/(me|self|current|current[-_]?user|whoami|profile|account|myself)\/?$/i;

function addScalar(out: Set<string>, v: unknown): void {
  if ((typeof v === 'string' && v.length > 0 && v.length < 300) || (typeof v === 'number' && Number.isFinite(v))) out.add(String(v));
}

function selfValues(value: unknown, out: Set<string>): void {
  let obj: unknown = value;
  // `{user: {...}}` and `{data: {...}}` wrappers.
  if (isObject(obj) && !SELF_FIELDS.some((k) => k in (obj as JsonObject))) {
    const inner = Object.values(obj).find((v) => isObject(v) && SELF_FIELDS.some((k) => k in v));
    obj = inner;
  }
  if (!isObject(obj)) return;
  for (const k of SELF_FIELDS) addScalar(out, obj[k]);
}

function meOperations(ctx: CheckContext): ApiOperation[] {
  return ctx.api.operations.filter((op) => op.method === 'GET' && ME_PATH.test(op.path) && pathParams(op.path).length === 0);
}

/** The identity of each user; asks a "who am I" operation once per user when no sample answers. */
export async function identitiesOf(ctx: CheckContext, users: readonly string[]): Promise<Map<string, Identity>> {
  const out = new Map<string, Identity>();
  const meOps = meOperations(ctx);
  for (const user of users) {
    const values = new Set<string>();
    const token = ctx.client.tokenOf(user);
    const claims = token === undefined ? undefined : decodeJwt(token)?.payload;
    if (claims !== undefined) for (const c of CLAIMS) addScalar(values, claims[c]);
    for (const op of meOps) {
      const sample = samplesOf(ctx, op).find((s) => s.user === user);
      if (sample !== undefined) {
        selfValues(sample.json, values);
        continue;
      }
      if (!ctx.client.canSend()) break;
      if (!op.parameters.some((p) => p.required && p.in === 'query')) {
        const req = restRequest(ctx, op, {});
        if (req === undefined) continue;
        const ex = await ctx.client.send(req, { as: user });
        if (is2xx(ex)) selfValues(jsonOf(ex), values);
      }
    }
    out.set(user, { user, values });
  }
  return out;
}

const OWNER_PREFIX = [
  'owner', 'user', 'customer', 'account', 'author', 'creator', 'createdby', 'buyer', 'member', 'seller', 'placedby', 'orderedby',
  'uploadedby', 'submittedby', 'patient', 'employee',
];
const OWNER_SUFFIX = ['', 'id', 'uuid', 'email', 'login'];
/** `ownerId`, `user_id`, `createdBy`, `author`… (not `username`: on a user record that is itself). */
const OWNER_KEYS = new Set(OWNER_PREFIX.flatMap((p) => OWNER_SUFFIX.map((s) => p + s)).concat(['ownerusername', 'ownername', 'authorname', 'createdbyusername']));

/** Values in an object's owner fields (`ownerId: 1`, `owner: {id: 1}`, `user_email: …`). */
function ownerValues(obj: unknown): string[] {
  if (!isObject(obj)) return [];
  const out = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    if (!OWNER_KEYS.has(normalizeName(k))) continue;
    if (isObject(v)) for (const f of SELF_FIELDS) addScalar(out, v[f]);
    else addScalar(out, v);
  }
  return [...out];
}

/** The user an object belongs to by its owner fields, when exactly one identity matches. */
export function ownerOf(obj: unknown, identities: ReadonlyMap<string, Identity>): string | undefined {
  const values = ownerValues(obj);
  if (values.length === 0) return undefined;
  const owners = [...identities.values()].filter((id) => values.some((v) => id.values.has(v)));
  return owners.length === 1 ? owners[0].user : undefined;
}
