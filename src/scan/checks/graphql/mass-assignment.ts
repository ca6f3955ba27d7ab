/**
 * authz.mass-assignment over GraphQL: an update mutation of the caller's own account takes a
 * privileged field (`role`, `isAdmin`, `permissions`… as an argument or inside its input object);
 * a normal user sets it to a privileged value, reads their account back through the viewer field
 * (`me`), and the value stuck. The original value is written back straight away.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  idArgValue,
  idTargetType,
  isIdArg,
  isLeaf,
  leafSelection,
  operationIdOf,
  requiredArgs,
  rootFields,
  rootValue,
  valueForType,
  viewerField,
  wordsOf,
  type GqlField,
} from '../../graphql/index.js';
import { MASS_ASSIGNMENT_INFO } from './access-info.js';
import { gqlEnv, type GqlEnv } from './gql-check.js';

/** Field names that carry privileges. */
export const PRIVILEGED = /^(roles?|user_?roles?|is_?admin|admin|is_?staff|staff|is_?super_?user|super_?user|permissions?|privileges?|scopes?|access_?level|user_?type|account_?type|is_?verified|verified|groups?)$/i;
const UPDATE_VERBS = new Set(['update', 'edit', 'set', 'change', 'save', 'modify', 'patch', 'upsert']);

interface Target {
  readonly mutation: GqlField;
  /** `['input', 'role']` or `['role']`. */
  readonly path: readonly string[];
  readonly type: GraphQLInputType;
  /** The viewer's field that shows the value (`role`). */
  readonly readField: string;
  /** The id argument naming the caller's own account, when the mutation takes one. */
  readonly selfIdArg?: string;
}

/** The value that would grant privileges for a field of this type (given its current value), or undefined. */
export function privilegedValue(type: GraphQLInputType, current: unknown): unknown {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) {
    const item = privilegedValue(t.ofType, Array.isArray(current) ? current[0] : undefined);
    return item === undefined ? undefined : [item];
  }
  const n = getNamedType(t);
  if (isEnumType(n)) return n.getValues().find((v) => /admin|super|root|owner|staff/i.test(v.name))?.name;
  if (n.name === 'Boolean') return current === true ? undefined : true;
  if (n.name === 'String' || n.name === 'ID') return 'admin';
  return undefined;
}

function grants(value: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(value) && wanted.every((w) => value.some((v) => String(v).toLowerCase() === String(w).toLowerCase()));
  return typeof value === typeof wanted ? String(value).toLowerCase() === String(wanted).toLowerCase() : false;
}

function targetsOf(env: GqlEnv, viewerFields: ReadonlySet<string>, viewerType: string): Target[] {
  const out: Target[] = [];
  for (const m of rootFields(env.schema, 'mutation')) {
    const w = wordsOf(m.name);
    if (!UPDATE_VERBS.has(w[0] ?? '')) continue;
    // The mutation must act on the caller: no id at all, or an id of the viewer's type.
    const ids = requiredArgs(m).filter(isIdArg);
    const selfIdArg = ids.find((a) => idTargetType(env.schema, m, a) === viewerType)?.name;
    if (ids.length > (selfIdArg === undefined ? 0 : 1)) continue;
    for (const a of m.args) {
      if (PRIVILEGED.test(a.name) && viewerFields.has(a.name)) out.push({ mutation: m, path: [a.name], type: a.type, readField: a.name, ...(selfIdArg ? { selfIdArg } : {}) });
      const n = getNamedType(a.type);
      if (!isInputObjectType(n)) continue;
      for (const f of Object.values(n.getFields())) {
        if (PRIVILEGED.test(f.name) && viewerFields.has(f.name)) out.push({ mutation: m, path: [a.name, f.name], type: f.type, readField: f.name, ...(selfIdArg ? { selfIdArg } : {}) });
      }
    }
  }
  return out;
}

/** The mutation's arguments with the privileged field set to `value`. */
function argsWith(env: GqlEnv, t: Target, value: unknown, selfId: string | undefined): Record<string, unknown> | null {
  const args: Record<string, unknown> = {};
  for (const a of requiredArgs(t.mutation)) {
    if (a.name === t.selfIdArg) continue;
    const v = valueForType(a.type, a.name, []);
    if (v === undefined) return null;
    args[a.name] = v;
  }
  if (t.selfIdArg !== undefined) {
    if (selfId === undefined) return null;
    args[t.selfIdArg] = idArgValue(t.mutation.args.find((a) => a.name === t.selfIdArg), selfId);
  }
  const [first, second] = t.path;
  if (first === undefined) return null;
  if (second === undefined) args[first] = value;
  else {
    const arg = t.mutation.args.find((a) => a.name === first);
    const base = args[first] ?? (arg === undefined ? {} : valueForType(arg.type, arg.name, []));
    args[first] = { ...(typeof base === 'object' && base !== null ? base : {}), [second]: value };
  }
  return args;
}

async function run(ctx: CheckContext): Promise<void> {
  if (ctx.safe) return;
  const env = gqlEnv(ctx);
  const me = env === null ? null : viewerField(env.schema);
  if (env === null || me === null || env.normalUsers.length === 0) return;
  const meType = getNamedType(me.type);
  if (!('getFields' in meType)) return;
  const viewerFields = new Set(Object.values(meType.getFields()).filter((f) => isLeaf(f.type) && requiredArgs(f).length === 0).map((f) => f.name));
  const read = buildOperation('query', me, {}, leafSelection(me.type), { name: 'HerdWhoAmI' });
  const done = new Set<string>();
  for (const t of targetsOf(env, viewerFields, meType.name)) {
    const location = operationIdOf(env.schema, 'mutation', t.mutation);
    const key = t.path.join('.');
    if (done.has(`${location} ${key}`) || !ctx.client.canSend(4)) continue;
    for (const user of env.normalUsers) {
      const before = await env.transport.send(read, user);
      const self = rootValue(before.result, me.name) as Record<string, unknown> | undefined;
      if (self === undefined || typeof self !== 'object') continue;
      const original = self[t.readField];
      const wanted = privilegedValue(t.type, original);
      if (wanted === undefined || grants(original, wanted)) continue;
      const selfId = typeof self.id === 'string' || typeof self.id === 'number' ? String(self.id) : undefined;
      const args = argsWith(env, t, wanted, selfId);
      if (args === null) break;
      const op = buildOperation('mutation', t.mutation, args, leafSelection(t.mutation.type), { name: 'HerdMassAssignment' });
      const attempt = await env.transport.send(op, user, 'mutation');
      const after = await env.transport.send(read, user);
      const now = (rootValue(after.result, me.name) as Record<string, unknown> | undefined)?.[t.readField];
      if (!grants(now, wanted)) break; // ignored or refused: the same for every normal user
      // Put the original value back (the user may now be allowed to), then check.
      const restoreArgs = argsWith(env, t, original, selfId);
      let restored = false;
      const evidence: Exchange[] = [before.exchange, attempt.exchange, after.exchange];
      if (restoreArgs !== null) {
        await env.transport.send(buildOperation('mutation', t.mutation, restoreArgs, leafSelection(t.mutation.type), { name: 'HerdMassAssignmentRestore' }), user, 'mutation');
        const check = await env.transport.send(read, user);
        restored = grants((rootValue(check.result, me.name) as Record<string, unknown> | undefined)?.[t.readField], original);
      }
      done.add(`${location} ${key}`);
      ctx.report({
        location,
        key,
        detail: `${user}, a normal user, sent \`${key}: ${JSON.stringify(wanted)}\` to \`${t.mutation.name}\` and \`${me.name}\` then answered ${t.readField} = ${JSON.stringify(now)} (it was ${JSON.stringify(original)}). ${restored ? 'The original value was written back.' : `Writing ${JSON.stringify(original)} back did not succeed: ${user} may still have the privilege.`}`,
        evidence,
      });
      break;
    }
  }
}

export const graphqlMassAssignmentCheck: Check = { ...MASS_ASSIGNMENT_INFO, appliesTo: 'graphql', run };
