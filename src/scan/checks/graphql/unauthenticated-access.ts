/**
 * auth.unauthenticated-access over GraphQL. GraphQL has no per-route security declaration, and many
 * fields are public on purpose (a product catalogue), so "answers without a token" alone proves
 * nothing. The finding is narrower: a field that needs credentials (by name: not a login or public
 * field) returns, to a request without credentials, objects that belong to a user and that no
 * other normal user sees in their own listings — private data (an order, a message).
 *
 * The anonymous answers come from exploration's samples, plus one anonymous read by id of a
 * private object for each field that reads one object by id.
 */
import { getNamedType } from 'graphql';
import type { Check, CheckContext, KnownResource } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  idArgValue,
  idTargetType,
  isIdArg,
  leafSelection,
  listingVisibility,
  objectKey,
  objectsIn,
  objectsOfSample,
  operationById,
  operationIdOf,
  requiredArgs,
  rootFields,
  rootValue,
} from '../../graphql/index.js';
import { UNAUTHENTICATED_INFO } from './access-info.js';
import { gqlEnv, type GqlEnv } from './gql-check.js';

/** Resources no other normal user lists: private to their owner. */
function privateResources(env: GqlEnv): Map<string, KnownResource> {
  const visible = listingVisibility(env.schema, env.ctx.samples);
  const admins = new Set(env.admins);
  const out = new Map<string, KnownResource>();
  for (const r of env.ctx.resources) {
    const key = objectKey(r.collection, r.id);
    const others = [...(visible.get(key) ?? [])].filter((u) => u !== null && u !== r.owner && !admins.has(u));
    if (others.length === 0) out.set(key, r);
  }
  return out;
}

function ownerEvidence(env: GqlEnv, r: KnownResource): Exchange[] {
  for (const list of env.ctx.samples.values()) {
    for (const s of list) {
      if (s.user !== r.owner) continue;
      if (objectsOfSample(env.schema, s).some((o) => o.typeName === r.collection && o.id === r.id)) return [s.exchange];
    }
  }
  return [];
}

function report(env: GqlEnv, opId: string, found: readonly KnownResource[], exchange: Exchange): void {
  const owners = [...new Set(found.map((r) => r.owner))];
  const sample = found.slice(0, 4).map((r) => `${r.collection} ${r.id} of ${r.owner}`).join(', ');
  env.ctx.report({
    location: opId,
    detail: `Without credentials, \`${opId.split('.').pop() ?? opId}\` answered with ${found.length} private object(s) of ${owners.join(', ')} (${sample}${found.length > 4 ? ', …' : ''}), objects that no other user sees in their own listings.`,
    evidence: [exchange, ...ownerEvidence(env, found[0] as KnownResource)],
  });
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null || ctx.resources.length === 0) return;
  const priv = privateResources(env);
  if (priv.size === 0) return;
  const reported = new Set<string>();
  for (const [opId, samples] of ctx.samples) {
    const op = operationById(env.api, opId);
    if (op === undefined || !op.requiresAuth || !op.tags.includes('query')) continue;
    for (const s of samples) {
      if (s.user !== null) continue;
      const found = objectsOfSample(env.schema, s)
        .map((o) => (o.id === null ? undefined : priv.get(objectKey(o.typeName, o.id))))
        .filter((r): r is KnownResource => r !== undefined);
      if (found.length === 0) continue;
      report(env, opId, [...new Map(found.map((r) => [objectKey(r.collection, r.id), r])).values()], s.exchange);
      reported.add(opId);
      break;
    }
  }
  // Fields that read one object by id, asked without credentials for a private object.
  for (const f of rootFields(env.schema, 'query')) {
    const opId = operationIdOf(env.schema, 'query', f);
    const op = operationById(env.api, opId);
    const req = requiredArgs(f);
    const idArg = req[0];
    if (reported.has(opId) || op === undefined || !op.requiresAuth || req.length !== 1 || idArg === undefined || !isIdArg(idArg)) continue;
    const typeName = getNamedType(f.type).name;
    if (idTargetType(env.schema, f, idArg) !== typeName) continue;
    const r = [...priv.values()].find((x) => x.collection === typeName);
    if (r === undefined || !ctx.client.canSend()) continue;
    const { exchange, result } = await env.transport.send(buildOperation('query', f, { [idArg.name]: idArgValue(idArg, r.id) }, leafSelection(f.type), { name: 'HerdAnonymousRead' }), null);
    const value = rootValue(result, f.name);
    if (value === undefined) continue;
    const got = objectsIn(env.schema, f.type, value, f.name).some((o) => o.path.length === 1 && o.typeName === r.collection && o.id === r.id);
    if (got) report(env, opId, [r], exchange);
  }
}

export const graphqlUnauthenticatedCheck: Check = { ...UNAUTHENTICATED_INFO, appliesTo: 'graphql', run };
