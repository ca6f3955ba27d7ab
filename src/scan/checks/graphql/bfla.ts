/**
 * authz.bfla over GraphQL: fields and mutations meant for administrators, run by a normal user.
 *
 * Administrative operations are recognised by their description ("administrators only", "admin",
 * "staff"…), their name (`adminStats`, `setUserRole`, `banUser`, `deleteUser`) or, for lists, by
 * listing every account (`users`, `allUsers`). Queries without required arguments are run by an
 * administrator and by a normal user: the normal user getting other people's objects (or the
 * administrator's very answer) is the finding. Mutations are never run for real: both send them
 * with an id that does not exist (outside `--safe`); when the normal user gets the administrator's
 * own "not found" rather than a refusal, the authorization check let them through.
 */
import { getNamedType } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  errorsAt,
  idTargetType,
  isIdArg,
  leafSelection,
  objectKey,
  objectsIn,
  objectsOfSample,
  operationIdOf,
  requiredArgs,
  requiredArgValues,
  returnsList,
  rootFields,
  viewerField,
  viewerTypeName,
  wordsOf,
  type GqlField,
  type GqlResult,
} from '../../graphql/index.js';
import { BFLA_INFO } from './access-info.js';
import { gqlEnv, isAuthError, type GqlEnv } from './gql-check.js';

const ADMIN_TEXT = /\b(admins?|administrators?|administrative|staff|superusers?|super ?admins?|moderators?|privileged|back[- ]?office|internal (use|only))\b/i;
const ADMIN_WORDS = new Set(['admin', 'admins', 'administrator', 'staff', 'superuser', 'backoffice', 'internal']);
/** Mutations that change someone's powers are administrative too. */
const POWER_WORDS = new Set(['impersonate', 'promote', 'demote', 'ban', 'unban', 'suspend', 'role', 'roles', 'permission', 'permissions', 'privilege', 'privileges']);
const ACCOUNT_NOUNS = new Set(['user', 'users', 'account', 'accounts', 'customer', 'customers', 'member', 'members', 'employee', 'employees']);
const DESTROY_VERBS = new Set(['delete', 'remove', 'destroy', 'disable', 'deactivate', 'block', 'lock', 'purge']);

/** Whether a root field looks meant for administrators only (see the module comment). */
export function looksAdminOnly(env: GqlEnv, f: GqlField, kind: 'query' | 'mutation'): boolean {
  if (f.description != null && ADMIN_TEXT.test(f.description)) return true;
  const w = wordsOf(f.name);
  if (w.some((x) => ADMIN_WORDS.has(x)) || (kind === 'mutation' && w.some((x) => POWER_WORDS.has(x)))) return true;
  const viewerType = viewerTypeName(env.schema);
  if (kind === 'query') {
    // Every account: `users`, `allUsers`, `listAccounts` returning a list of the viewer's type.
    const t = getNamedType(f.type).name;
    return returnsList(f.type) && requiredArgs(f).length === 0 && (t === viewerType || ACCOUNT_NOUNS.has(t.toLowerCase())) && w.some((x) => ACCOUNT_NOUNS.has(x));
  }
  if (!DESTROY_VERBS.has(w[0] ?? '')) return false;
  const target = f.args.map((a) => idTargetType(env.schema, f, a)).find((t) => t !== null);
  return (target !== undefined && target === viewerType) || w.slice(1).some((x) => ACCOUNT_NOUNS.has(x));
}

/** Object keys (`User:1`, `Order:3`) that are the user's own: their viewer object and resources. */
function ownKeys(env: GqlEnv, user: string): Set<string> {
  const own = new Set(env.ctx.resources.filter((r) => r.owner === user).map((r) => objectKey(r.collection, r.id)));
  const viewer = viewerField(env.schema);
  if (viewer !== null) {
    const opId = operationIdOf(env.schema, 'query', viewer);
    for (const s of env.ctx.samples.get(opId) ?? []) {
      if (s.user !== user) continue;
      for (const o of objectsOfSample(env.schema, s)) if (o.path.length === 1 && o.id !== null) own.add(objectKey(o.typeName, o.id));
    }
  }
  return own;
}

function valueOf(result: GqlResult | null, field: string): unknown {
  const v = result?.data?.[field];
  return v === null ? undefined : v;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

async function checkQuery(env: GqlEnv, f: GqlField, admin: string): Promise<void> {
  const { ctx } = env;
  const op = buildOperation('query', f, {}, leafSelection(f.type), { name: 'HerdBfla' });
  const asAdmin = await env.transport.send(op, admin);
  const adminValue = valueOf(asAdmin.result, f.name);
  if (adminValue === undefined || (Array.isArray(adminValue) && adminValue.length === 0)) return;
  for (const user of env.normalUsers) {
    if (!ctx.client.canSend()) return;
    const asUser = await env.transport.send(op, user);
    const value = valueOf(asUser.result, f.name);
    if (value === undefined || asUser.result === null || errorsAt(asUser.result, f.name).some(isAuthError)) continue;
    let detail: string | null = null;
    const own = ownKeys(env, user);
    const objects = objectsIn(env.schema, f.type, value, f.name).filter((o) => o.path.length === 1 && o.id !== null);
    const foreign = objects.filter((o) => !own.has(objectKey(o.typeName, o.id as string)));
    if (foreign.length > 0) {
      detail = `${user}, a normal user, ran \`${f.name}\` (meant for administrators) and got ${foreign.length} object(s) that are not theirs (${foreign.slice(0, 5).map((o) => `${o.typeName} ${o.id}`).join(', ')}).`;
    } else if (objects.length === 0 && stable(value) === stable(adminValue)) {
      detail = `${user}, a normal user, ran \`${f.name}\` (meant for administrators) and got the administrator's answer.`;
    }
    if (detail === null) continue;
    ctx.report({ location: operationIdOf(env.schema, 'query', f), detail, evidence: [asAdmin.exchange, asUser.exchange] });
    return;
  }
}

/** An id no object has, shaped like the ids the API uses. */
function bogusId(env: GqlEnv, typeName: string | null): string {
  const sample = env.ctx.resources.find((r) => typeName === null || r.collection === typeName)?.id ?? '1';
  if (/^\d+$/.test(sample)) return '987654321';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(sample)) return '00000000-0000-4000-8000-00000000beef';
  if (/^[0-9a-f]{24}$/i.test(sample)) return '000000000000000000beef00';
  return 'herd-no-such-object';
}

function normalized(message: string): string {
  return message.replace(/\d+/g, '#').trim().toLowerCase();
}

async function checkMutation(env: GqlEnv, f: GqlField, admin: string): Promise<void> {
  const { ctx } = env;
  const idArg = f.args.find((a) => isIdArg(a));
  if (idArg === undefined || !ctx.client.canSend(2)) return;
  const id = bogusId(env, idTargetType(env.schema, f, idArg));
  const value = getNamedType(idArg.type).name === 'Int' ? Number(id.replace(/\D/g, '') || '987654321') : id;
  const args = requiredArgValues(env.schema, f, { idsOf: () => [] }, { [idArg.name]: value });
  if (args === null) return;
  const op = buildOperation('mutation', f, args, leafSelection(f.type), { name: 'HerdBflaProbe' });
  const asAdmin = await env.transport.send(op, admin, 'mutation');
  const adminErrors = asAdmin.result === null ? [] : errorsAt(asAdmin.result, f.name);
  const adminError = adminErrors[0];
  // The administrator must reach the resolver and be told the object does not exist.
  if (asAdmin.result === null || valueOf(asAdmin.result, f.name) !== undefined || adminError === undefined || adminErrors.some(isAuthError)) return;
  for (const user of env.normalUsers) {
    if (!ctx.client.canSend()) return;
    const asUser = await env.transport.send(op, user, 'mutation');
    if (asUser.result === null || valueOf(asUser.result, f.name) !== undefined) continue;
    const userErrors = errorsAt(asUser.result, f.name);
    const userError = userErrors[0];
    if (userError === undefined || userErrors.some(isAuthError) || normalized(userError.message) !== normalized(adminError.message)) continue;
    if (asUser.exchange.response?.status !== asAdmin.exchange.response?.status) continue;
    const evidence: Exchange[] = [asAdmin.exchange, asUser.exchange];
    ctx.report({
      location: operationIdOf(env.schema, 'mutation', f),
      detail: `${user}, a normal user, sent \`${f.name}\` (meant for administrators) for an id that does not exist and got the administrator's own answer ("${userError.message.slice(0, 120)}") instead of a refusal: the operation runs for normal users. Nothing was changed.`,
      evidence,
    });
    return;
  }
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  const admin = env?.admins[0];
  if (env === null || admin === undefined || env.normalUsers.length === 0) return;
  for (const f of rootFields(env.schema, 'query')) {
    if (requiredArgs(f).length === 0 && looksAdminOnly(env, f, 'query') && f !== viewerField(env.schema)) await checkQuery(env, f, admin);
  }
  if (ctx.safe) return;
  for (const f of rootFields(env.schema, 'mutation')) {
    if (looksAdminOnly(env, f, 'mutation')) await checkMutation(env, f, admin);
  }
}

export const graphqlBflaCheck: Check = { ...BFLA_INFO, appliesTo: 'graphql', run };
