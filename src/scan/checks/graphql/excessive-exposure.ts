/**
 * data.excessive-exposure over GraphQL: sensitive fields of the schema answered to callers who
 * must not see them. Credential material (password hashes, salts) is reported whenever a normal
 * user or an anonymous caller gets a value; secrets (API keys, tokens, private keys) when an
 * anonymous caller gets one, or a normal user gets another user's. Administrators are allowed to
 * see everything. One finding per field (`User.passwordHash`), with the answer that showed it.
 *
 * Values come from exploration's samples, and from reading other users' accounts by id as a normal
 * user (the field that reads one object of the viewer's type, such as `user(id)`).
 */
import { getNamedType, isInterfaceType, isObjectType } from 'graphql';
import type { Check, CheckContext, Sample } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  fieldOfOperation,
  idArgValue,
  itemOperation,
  objectsIn,
  objectsOfSample,
  operationIdOf,
  requiredArgs,
  rootValue,
  viewerField,
  viewerTypeName,
  wordsOf,
  type SeenObject,
} from '../../graphql/index.js';
import { EXPOSURE_INFO } from './access-info.js';
import { gqlEnv, type GqlEnv } from './gql-check.js';

export type Sensitivity = 'credential' | 'secret';

/** On the name in snake case (`passwordHash` → `password_hash`). */
const CREDENTIAL = /(^|_)(password|passwd|pwd|passphrase|salt)(_|$)/;
const SECRET = /(^|_)(api_?key|apikey|secret|private_key|token|otp|totp|mfa_seed|card_number|credit_card|cvv|ssn|social_security)(_|$)/;
/** Last words that make a name about the secret rather than the secret itself. */
const META_LAST = new Set(['at', 'on', 'date', 'time', 'expires', 'expiry', 'expiration', 'count', 'hint', 'set', 'enabled', 'length', 'id', 'ids', 'type', 'name', 'prefix', 'last4', 'url', 'question', 'masked', 'preview', 'status', 'required', 'present', 'exists', 'version', 'policy', 'rotated', 'strength', 'change', 'changed', 'updated', 'created']);
const META_FIRST = new Set(['has', 'is', 'can', 'should', 'needs', 'must']);

/** How sensitive a field name is, or null. */
export function sensitivityOf(name: string): Sensitivity | null {
  const w = wordsOf(name);
  if (w.length === 0 || META_LAST.has(w[w.length - 1] ?? '') || META_FIRST.has(w[0] ?? '')) return null;
  const snake = w.join('_');
  if (CREDENTIAL.test(snake)) return 'credential';
  if (SECRET.test(snake)) return 'secret';
  return null;
}

/** A value worth reporting: a real-looking string, not a mask. */
export function revealing(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  return v.length >= 6 && !/^[*•xX#.\-_ ]+$/.test(v) && !/redacted|hidden|masked|\*{3,}/i.test(v);
}

export function masked(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} characters)`;
}

interface Sighting {
  readonly typeName: string;
  readonly field: string;
  readonly kind: Sensitivity;
  readonly value: string;
  readonly viewer: string | null;
  /** Whose object it is: the viewer's own, someone else's, or unknown. */
  readonly whose: 'own' | 'other' | 'unknown';
  readonly objectId: string | null;
  readonly via: string;
  readonly exchange: Exchange;
}

function whoseObject(env: GqlEnv, o: SeenObject, viewer: string | null, viewerType: string | null, selfIds: Map<string, string>): 'own' | 'other' | 'unknown' {
  if (o.id === null || viewer === null) return viewer === null ? 'other' : 'unknown';
  if (o.typeName === viewerType) {
    const self = selfIds.get(viewer);
    return self === undefined ? 'unknown' : self === o.id ? 'own' : 'other';
  }
  const r = env.ctx.resources.find((x) => x.collection === o.typeName && x.id === o.id);
  return r === undefined ? 'unknown' : r.owner === viewer ? 'own' : 'other';
}

function sightingsIn(env: GqlEnv, objects: readonly SeenObject[], viewer: string | null, via: string, exchange: Exchange, viewerType: string | null, selfIds: Map<string, string>): Sighting[] {
  const out: Sighting[] = [];
  for (const o of objects) {
    for (const [field, value] of Object.entries(o.fields)) {
      const kind = sensitivityOf(field);
      if (kind === null || !revealing(value)) continue;
      out.push({ typeName: o.typeName, field, kind, value, viewer, whose: whoseObject(env, o, viewer, viewerType, selfIds), objectId: o.id, via, exchange });
    }
  }
  return out;
}

/** Whether a sighting is a finding (see the module comment). */
function exposes(s: Sighting): boolean {
  if (s.kind === 'credential') return true;
  return s.viewer === null || s.whose === 'other';
}

/** The viewer's own id per user, from the viewer field's samples. */
function selfIdsOf(env: GqlEnv): Map<string, string> {
  const out = new Map<string, string>();
  const viewer = viewerField(env.schema);
  if (viewer === null) return out;
  for (const s of env.ctx.samples.get(operationIdOf(env.schema, 'query', viewer)) ?? []) {
    const o = objectsOfSample(env.schema, s).find((x) => x.path.length === 1);
    if (s.user !== null && o?.id != null) out.set(s.user, o.id);
  }
  return out;
}

/** Reads other users' accounts by id, as each normal user, asking for the sensitive fields. */
async function readOthers(env: GqlEnv, viewerType: string, selfIds: Map<string, string>): Promise<Sighting[]> {
  const itemId = itemOperation(env.schema, viewerType);
  const item = itemId === undefined ? null : fieldOfOperation(env.schema, itemId);
  const t = env.schema.getType(viewerType);
  if (item === null || (!isObjectType(t) && !isInterfaceType(t))) return [];
  const sensitive = Object.values(t.getFields()).filter((f) => sensitivityOf(f.name) !== null && requiredArgs(f).length === 0 && getNamedType(f.type).name !== viewerType);
  const idArg = requiredArgs(item.field)[0];
  if (sensitive.length === 0 || idArg === undefined) return [];
  const out: Sighting[] = [];
  for (const user of env.normalUsers) {
    const other = [...selfIds.entries()].find(([u]) => u !== user)?.[1];
    if (other === undefined || !env.ctx.client.canSend()) continue;
    // One request per field: a refused field must not hide the others.
    for (const f of sensitive) {
      const op = buildOperation('query', item.field, { [idArg.name]: idArgValue(idArg, other) }, [{ name: '__typename' }, { name: 'id' }, { name: f.name }], { name: 'HerdExposure' });
      const { exchange, result } = await env.transport.send(op, user);
      const value = rootValue(result, item.field.name);
      if (value === undefined) continue;
      out.push(...sightingsIn(env, objectsIn(env.schema, item.field.type, value, item.field.name), user, itemId ?? item.field.name, exchange, viewerType, selfIds));
    }
    break;
  }
  return out;
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const admins = new Set(env.admins);
  const viewerType = viewerTypeName(env.schema);
  const selfIds = selfIdsOf(env);
  const sightings: Sighting[] = [];
  const samples: Sample[] = [...ctx.samples.values()].flat().filter((s) => s.operation.tags.includes('query') && (s.user === null || !admins.has(s.user)));
  for (const s of samples) sightings.push(...sightingsIn(env, objectsOfSample(env.schema, s), s.user, s.operation.id, s.exchange, viewerType, selfIds));
  if (viewerType !== null) sightings.push(...(await readOthers(env, viewerType, selfIds)));
  const byField = new Map<string, Sighting[]>();
  for (const s of sightings.filter(exposes)) {
    const key = `${s.typeName}.${s.field}`;
    byField.set(key, [...(byField.get(key) ?? []), s]);
  }
  for (const [location, list] of [...byField.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Prefer the most telling answer: another user's object, then anonymous, then the caller's own.
    const rank = (s: Sighting): number => (s.whose === 'other' && s.viewer !== null ? 0 : s.viewer === null ? 1 : 2);
    const best = [...list].sort((a, b) => rank(a) - rank(b))[0] as Sighting;
    const whom = best.viewer === null ? 'a request without credentials' : `${best.viewer}, a normal user,`;
    const whose = best.whose === 'other' ? `another user's ${best.typeName}${best.objectId !== null ? ` (${best.objectId})` : ''}` : best.whose === 'own' ? `their own ${best.typeName}` : `a ${best.typeName}`;
    const paths = [...new Set(list.map((s) => s.via))].slice(0, 5).join(', ');
    ctx.report({
      location,
      detail: `${whom} read ${best.field} of ${whose}: ${masked(best.value)}, through ${paths}.${best.kind === 'credential' ? ' Password material should never leave the server.' : ''}`,
      evidence: [best.exchange],
      severity: 'high',
    });
  }
}

export const graphqlExposureCheck: Check = { ...EXPOSURE_INFO, appliesTo: 'graphql', run };
