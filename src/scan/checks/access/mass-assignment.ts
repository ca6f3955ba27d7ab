/**
 * authz.mass-assignment (REST; GraphQL APIs have their own form in checks/graphql): a write
 * operation takes fields its caller must not set (role, isAdmin, verified, balance…). The
 * documented body is sent with such fields added — fields the spec marks readOnly or leaves out of
 * the request but shows in responses, and role-like fields whatever the spec says — and the object
 * is read back; a field that took the sent value is reported. The old value is put back (or the
 * created object deleted). Never in --safe mode.
 */
import type { ApiOperation, Exchange, JsonSchema } from '../../model.js';
import type { Check, CheckContext, Sample } from '../../check.js';
import { brief, is2xx, isObject, jsonOf, locationOf, normalUsers, parseJson, sameJson as same, samplesOf, type JsonObject } from './common.js';
import { MASS_ASSIGNMENT_INFO } from './info-authz.js';
import { isLoginOperation } from './login-operation.js';
import { createdRef, objectKinds, objectOf } from './objects.js';
import { escalatedValue, privilegeOf } from './privileged-fields.js';
import { isJsonBody, itemParam, objectFor, restRequest, schemaProperties, successSchema } from './rest.js';

interface Attempt {
  readonly field: string;
  readonly value: unknown;
  readonly previous: unknown;
}

function report(ctx: CheckContext, location: string, user: string, stuck: readonly Attempt[], evidence: readonly (Exchange | undefined)[]): void {
  const list = stuck.map((s) => `${s.field}: ${brief(s.previous, 30)} → ${brief(s.value, 30)}`).join(', ');
  ctx.report({
    location,
    detail: `${user} (role user) added fields the API should not accept from it and they were stored (${list}), as a later read shows.`,
    evidence: evidence.filter((e): e is Exchange => e !== undefined),
  });
}

function sampleObject(sample: Sample | undefined): JsonObject | undefined {
  const body = sample?.request.body === undefined ? undefined : parseJson(sample.request.body);
  return isObject(body) ? body : undefined;
}

async function restCase(ctx: CheckContext, op: ApiOperation, user: string): Promise<void> {
  const body = op.requestBody;
  if (body === undefined || !isJsonBody(op) || !['POST', 'PUT', 'PATCH'].includes(op.method) || isLoginOperation(ctx.api, op)) return;
  const sample = samplesOf(ctx, op).find((s) => s.user === user);
  const item = itemParam(op.path) !== undefined;
  if (item && sample === undefined) return;
  const pathValues = sample?.pathValues ?? {};
  // The GET on the same path reads the object back; for a POST that path is the listing instead.
  const readOp = op.method === 'POST' ? undefined : ctx.api.operations.find((o) => o.method === 'GET' && o.path === op.path);
  const readReq = readOp && restRequest(ctx, readOp, pathValues, undefined, samplesOf(ctx, readOp)[0]);
  const beforeEx = readReq && (await ctx.client.send(readReq, { as: user }));
  const before = is2xx(beforeEx) ? objectOf(jsonOf(beforeEx)) : undefined;
  if (op.method !== 'POST' && before === undefined && readOp !== undefined) return;

  const reqProps = schemaProperties(body.schema);
  const respProps: Record<string, JsonSchema> = { ...schemaProperties(successSchema(op)), ...(readOp ? schemaProperties(successSchema(readOp)) : {}) };
  const seen = { ...(objectOf(sample?.json) ?? {}), ...(before ?? {}) };
  const attempts: Attempt[] = [];
  for (const name of new Set([...Object.keys(respProps), ...Object.keys(seen), ...Object.keys(reqProps)])) {
    const strength = privilegeOf(name);
    const declared = reqProps[name];
    if (strength === undefined || !(name in seen || name in respProps)) continue;
    if (strength === 'weak' && declared !== undefined && declared.readOnly !== true) continue;
    const previous = before?.[name] ?? (op.method === 'POST' ? undefined : seen[name]);
    const value = escalatedValue(name, previous ?? seen[name], respProps[name] ?? declared);
    if (value !== undefined && !same(value, seen[name])) attempts.push({ field: name, value, previous });
  }
  if (attempts.length === 0 || !ctx.client.canSend(attempts.length + 3)) return;

  const base: JsonObject = sampleObject(sample) ?? objectFor(body.schema, op.method === 'POST' ? undefined : before);
  const send = (extra: readonly Attempt[]) => {
    const input: JsonObject = { ...base };
    for (const a of extra) input[a.field] = a.value;
    const req = restRequest(ctx, op, pathValues, input, sample);
    return req === undefined ? undefined : ctx.client.send(req, { as: user });
  };
  let tried = attempts;
  let write = await send(attempts);
  if (!is2xx(write) && attempts.length > 1) {
    // A strict API may refuse the whole body for one unknown field: try them one at a time.
    for (const a of attempts.slice(0, 4)) {
      write = await send([a]);
      tried = [a];
      if (is2xx(write)) break;
    }
  }
  if (write === undefined || !is2xx(write)) return;
  const written = objectOf(jsonOf(write));

  // Read back: the same path, the created object, or (last resort) the write's own answer.
  let readBack: JsonObject | undefined;
  let readEx: Exchange | undefined;
  let createdReq: ReturnType<typeof restRequest>;
  if (readReq !== undefined) {
    readEx = await ctx.client.send(readReq, { as: user });
    readBack = is2xx(readEx) ? objectOf(jsonOf(readEx)) : undefined;
  } else if (op.method === 'POST') {
    const kind = objectKinds(ctx).find((k) => k.create?.op.id === op.id);
    const ref = kind && createdRef(kind, write, written);
    const req = ref && kind?.read?.request(ref);
    createdReq = ref && kind?.deletes[0]?.request(ref);
    if (req !== undefined) {
      readEx = await ctx.client.send(req, { as: user });
      readBack = is2xx(readEx) ? objectOf(jsonOf(readEx)) : undefined;
    } else if (written !== undefined && Object.keys(written).some((k) => !(k in base) && !tried.some((t) => t.field === k))) {
      readBack = written;
    }
  }
  const stuck = tried.filter((a) => readBack !== undefined && same(readBack[a.field], a.value) && !same(a.previous, a.value));

  // Put things back.
  if (createdReq !== undefined) await ctx.client.send(createdReq, { as: user });
  else if (op.method !== 'POST' && stuck.length > 0) {
    const input: JsonObject = { ...base };
    for (const a of stuck) input[a.field] = a.previous ?? null;
    const req = restRequest(ctx, op, pathValues, input, sample);
    if (req !== undefined) await ctx.client.send(req, { as: user });
  }
  if (stuck.length > 0) report(ctx, locationOf(ctx.api, op), user, stuck, [beforeEx, write, readEx]);
}

async function run(ctx: CheckContext): Promise<void> {
  if (ctx.safe) return;
  const users = normalUsers(ctx);
  // The last normal user: if a change could not be undone, the users other checks rely on first stay intact.
  const user = users[users.length - 1]?.name;
  if (user === undefined) {
    ctx.log('authz.mass-assignment needs a user with role user; skipped');
    return;
  }
  for (const op of ctx.api.operations) await restCase(ctx, op, user);
}

export const massAssignmentCheck: Check = { ...MASS_ASSIGNMENT_INFO, appliesTo: 'rest', run };
