/**
 * authz.bola over GraphQL: user B reads (a query field taking an id) or changes (an update
 * mutation taking an id) an object that exploration showed to belong to user A.
 *
 * Reads are reported when B gets the object with the same values A sees, while B's own listings
 * never showed it and a request without credentials does not get it (public objects are not
 * private to anyone). Changes are reported when A, reading the object afterwards, sees the value B
 * wrote; A then writes the original value back. Objects of the viewer's type (user profiles) are
 * left out: reading other profiles by id is often intended, and their private fields are the
 * business of data.excessive-exposure.
 */
import { randomBytes } from 'node:crypto';
import { getNamedType } from 'graphql';
import type { Check, CheckContext, KnownResource } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  fieldOfOperation,
  idArgValue,
  idTargetType,
  isIdArg,
  isRequired,
  itemOperation,
  leafSelection,
  listingVisibility,
  objectKey,
  operationIdOf,
  requiredArgValues,
  rootFields,
  rootValue,
  viewerTypeName,
  wordsOf,
  type GqlField,
  type GraphqlTransport,
} from '../../graphql/index.js';
import { comparableFields, gqlEnv, type GqlEnv } from './gql-check.js';
import { BOLA_INFO } from './access-info.js';

const UPDATE_VERBS = new Set(['update', 'edit', 'set', 'change', 'modify', 'patch', 'rename', 'save']);
const MAX_TRIES_PER_FIELD = 3;

type Obj = Readonly<Record<string, unknown>>;

function asObject(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

/** The id argument of a field that points to objects of its own type, or undefined. */
function idArgFor(env: GqlEnv, f: GqlField, typeName: string): string | undefined {
  return f.args.find((a) => isIdArg(a) && idTargetType(env.schema, f, a) === typeName)?.name;
}

async function readAs(env: GqlEnv, f: GqlField, args: Obj, as: string | null): Promise<{ exchange: Exchange; value: Obj | null }> {
  const op = buildOperation('query', f, args, leafSelection(f.type), { name: 'HerdBolaRead' });
  const { exchange, result } = await env.transport.send(op, as);
  return { exchange, value: asObject(rootValue(result, f.name)) };
}

/** The attacker for an object: a normal user other than its owner who did not list it. */
function attackerFor(env: GqlEnv, r: KnownResource, visible: Map<string, Set<string | null>>): string | undefined {
  const seen = visible.get(objectKey(r.collection, r.id));
  return env.normalUsers.find((u) => u !== r.owner && seen?.has(u) !== true);
}

function sameValues(a: Obj, b: Obj): { same: boolean; compared: string[] } {
  const compared: string[] = [];
  for (const [k, v] of comparableFields(a)) {
    if (v === null) continue;
    if (b[k] !== v) return { same: false, compared };
    compared.push(k);
  }
  return { same: compared.length > 0, compared };
}

async function checkReads(env: GqlEnv, visible: Map<string, Set<string | null>>, viewerType: string | null): Promise<void> {
  const { ctx } = env;
  for (const f of rootFields(env.schema, 'query')) {
    const typeName = getNamedType(f.type).name;
    const idArg = idArgFor(env, f, typeName);
    if (idArg === undefined || typeName === viewerType) continue;
    const base = requiredArgValues(env.schema, f, { idsOf: () => [] }, { [idArg]: '' });
    if (base === null) continue;
    let tries = 0;
    for (const r of ctx.resources) {
      if (r.collection !== typeName || tries >= MAX_TRIES_PER_FIELD || !ctx.client.canSend(3)) continue;
      const attacker = attackerFor(env, r, visible);
      if (attacker === undefined) continue;
      tries += 1;
      const args = { ...base, [idArg]: idArgValue(f.args.find((a) => a.name === idArg), r.id) };
      const owner = await readAs(env, f, args, r.owner);
      if (owner.value === null) continue;
      const anonymous = await readAs(env, f, args, null);
      if (anonymous.value !== null) continue; // public: anyone may read it
      const other = await readAs(env, f, args, attacker);
      if (other.value === null) continue;
      const { same, compared } = sameValues(owner.value, other.value);
      if (!same) continue;
      ctx.report({
        location: operationIdOf(env.schema, 'query', f),
        detail: `${attacker} read ${r.owner}'s ${typeName} ${r.id} through \`${f.name}(${idArg}: ${JSON.stringify(r.id)})\` and got the values ${r.owner} sees (${compared.slice(0, 6).join(', ')}); without credentials the same request gets nothing, and ${attacker}'s own listings never showed this object.`,
        evidence: [owner.exchange, other.exchange, anonymous.exchange],
      });
      break;
    }
  }
}

/** A string argument of the mutation that is also a field of the object, with a value to restore. */
function writableString(f: GqlField, idArg: string, r: KnownResource): string | undefined {
  return f.args.find((a) => a.name !== idArg && getNamedType(a.type).name === 'String' && typeof r.fields[a.name] === 'string' && r.fields[a.name] !== '')?.name;
}

async function mutate(transport: GraphqlTransport, f: GqlField, args: Obj, as: string, name: string): Promise<{ exchange: Exchange; value: Obj | null }> {
  const op = buildOperation('mutation', f, args, leafSelection(f.type), { name });
  const { exchange, result } = await transport.send(op, as, 'mutation');
  return { exchange, value: asObject(rootValue(result, f.name)) };
}

async function checkWrites(env: GqlEnv, visible: Map<string, Set<string | null>>, viewerType: string | null): Promise<void> {
  const { ctx } = env;
  for (const m of rootFields(env.schema, 'mutation')) {
    const w = wordsOf(m.name);
    if (!UPDATE_VERBS.has(w[0] ?? '')) continue;
    const idArgName = m.args.find((a) => isIdArg(a) && idTargetType(env.schema, m, a) !== null)?.name;
    const idArg = m.args.find((a) => a.name === idArgName);
    if (idArg === undefined) continue;
    const typeName = idTargetType(env.schema, m, idArg);
    if (typeName === null || typeName === viewerType) continue;
    const itemId = itemOperation(env.schema, typeName);
    const item = itemId === undefined ? null : fieldOfOperation(env.schema, itemId);
    for (const r of ctx.resources) {
      if (r.collection !== typeName || !ctx.client.canSend(4)) continue;
      const attacker = attackerFor(env, r, visible);
      const field = writableString(m, idArg.name, r);
      if (attacker === undefined || field === undefined) continue;
      const original = r.fields[field] as string;
      const marker = `herd-bola-${randomBytes(4).toString('hex')}`;
      // Other required arguments take the object's own values (nothing else changes); optional ones stay out.
      const others: Record<string, unknown> = {};
      for (const a of m.args) if (isRequired(a) && a.name !== idArg.name && a.name !== field && r.fields[a.name] !== undefined && r.fields[a.name] !== null) others[a.name] = r.fields[a.name];
      const args = requiredArgValues(env.schema, m, { idsOf: () => [] }, { ...others, [idArg.name]: idArgValue(idArg, r.id), [field]: marker });
      if (args === null) continue;
      const attack = await mutate(env.transport, m, args, attacker, 'HerdBolaWrite');
      if (attack.value === null) break; // refused: the same would happen to other objects of this type
      let proof: Exchange | null = null;
      let changed = false;
      if (item !== null) {
        const readIdArg = idArgFor(env, item.field, typeName);
        if (readIdArg !== undefined) {
          const read = await readAs(env, item.field, { [readIdArg]: idArgValue(item.field.args.find((a) => a.name === readIdArg), r.id) }, r.owner);
          proof = read.exchange;
          changed = read.value?.[field] === marker;
        }
      } else {
        changed = attack.value[field] === marker && String(attack.value.id ?? r.id) === r.id;
      }
      const restore = await mutate(env.transport, m, { ...args, [field]: original }, r.owner, 'HerdBolaRestore');
      if (!changed) break;
      const restored = restore.value?.[field] === original;
      ctx.report({
        location: operationIdOf(env.schema, 'mutation', m),
        detail: `${attacker} changed ${field} of ${r.owner}'s ${typeName} ${r.id} with \`${m.name}\`${proof !== null ? `, and ${r.owner} then read the value ${attacker} wrote` : ''}. ${restored ? `The original value was written back as ${r.owner}.` : 'Writing the original value back did not succeed: check this object.'}`,
        evidence: proof !== null ? [attack.exchange, proof] : [attack.exchange],
      });
      break;
    }
  }
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null || env.normalUsers.length === 0 || ctx.resources.length === 0) return;
  const visible = listingVisibility(env.schema, ctx.samples);
  const viewerType = viewerTypeName(env.schema);
  await checkReads(env, visible, viewerType);
  if (!ctx.safe) await checkWrites(env, visible, viewerType);
}

export const graphqlBolaCheck: Check = { ...BOLA_INFO, appliesTo: 'graphql', run };
