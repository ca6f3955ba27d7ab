/**
 * authz.bfla (REST; GraphQL APIs have their own form in checks/graphql): a normal user calls an
 * operation meant for administrators. Admin operations are recognised by their path, tags or
 * operationId (admin, internal, manage, staff…) or a summary that says so ("administrators only");
 * the admin user's answer is the reference. Reading operations are reported when the normal user
 * gets comparable content and an anonymous caller does not. Deletions run outside --safe only, on
 * an object made for the test when the API can make one, else on one that belongs to none of the
 * scan users; the admin then confirms it is gone.
 */
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import type { Check, CheckContext } from '../../check.js';
import {
  adminUsers,
  brief,
  comparableContent,
  is2xx,
  isEmptyContent,
  isGone,
  isMutating,
  jsonOf,
  sameData,
  locationOf,
  normalUsers,
  samplesOf,
} from './common.js';
import { BFLA_INFO } from './info-authz.js';
import { isLoginOperation } from './login-operation.js';
import { createdRef, listAs, objectKinds, type Endpoint, type ObjectKind, type ObjectRef } from './objects.js';
import { pathParams, restRequest } from './rest.js';

const PATH_HINT = /^(admin|admins|administration|administrator|internal|manage|management|staff|superuser|backoffice|back-office|moderation|moderator|sysadmin)$/i;
const NAME_HINT = /(^|[^a-z])(admin|internal|manage|management|staff|superuser|backoffice|moderat)/i;
const SUMMARY_HINT = /\b(admins?|administrators?|administrative|superusers?|staff only|internal use|back[- ]office|moderators? only|privileged)\b/i;

/** Why an operation looks reserved to administrators, or undefined. */
export function adminHint(op: ApiOperation): string | undefined {
  const segment = op.path.split('/').find((s) => PATH_HINT.test(s));
  if (segment !== undefined) return `its path has /${segment}/`;
  const tag = op.tags.find((t) => PATH_HINT.test(t) || SUMMARY_HINT.test(t));
  if (tag !== undefined) return `its tag is ${tag}`;
  const words = op.id.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  if (NAME_HINT.test(words)) return `its name is ${op.id}`;
  if (op.summary !== undefined && SUMMARY_HINT.test(op.summary)) return `its description says "${op.summary.slice(0, 100)}"`;
  return undefined;
}

function resultOf(ex: Exchange): unknown {
  if (!is2xx(ex)) return undefined;
  return jsonOf(ex) ?? (ex.response?.body.trim() || undefined);
}

/** The request to replay: the admin's sample, another sample, or one built for a call without arguments. */
function requestFor(ctx: CheckContext, op: ApiOperation, admin: string): ScanRequest | undefined {
  const samples = samplesOf(ctx, op);
  const sample = samples.find((s) => s.user === admin) ?? samples.find((s) => s.user !== null);
  if (sample !== undefined) return sample.request;
  // A mutation is only ever replayed as the exploration sent it, never invented.
  if (isMutating(ctx.api, op)) return undefined;
  if (pathParams(op.path).length > 0 || op.parameters.some((p) => p.required && p.in !== 'path') || op.requestBody?.required) return undefined;
  return restRequest(ctx, op, {});
}

async function testCall(ctx: CheckContext, op: ApiOperation, why: string, admin: string, user: string): Promise<void> {
  const req = requestFor(ctx, op, admin);
  if (req === undefined || !ctx.client.canSend(3)) return;
  const asAdmin = await ctx.client.send(req, { as: admin });
  const ref = resultOf(asAdmin);
  if (ref === undefined || (isEmptyContent(ref) && ref !== true)) return;
  const asUser = await ctx.client.send(req, { as: user });
  const got = resultOf(asUser);
  // The same data the admin got: an operation that shows each caller their own things (a
  // "manage my account" page) gives the user different data and is not reported.
  const same = ref === true ? got === true : typeof ref === 'string' ? ref === got : comparableContent(ref, got) && sameData(ref, got);
  if (!same) return;
  const anon = await ctx.client.send(req);
  const anonGot = resultOf(anon);
  if (anonGot !== undefined && (ref === true ? anonGot === true : comparableContent(ref, anonGot))) return;
  ctx.report({
    location: locationOf(ctx.api, op),
    detail: `${user} (role user) called an administrators' operation (${why}) and got the same answer as ${admin}: ${brief(got, 120)}; an anonymous call was refused.`,
    evidence: [asAdmin, asUser, anon],
  });
}

/** An object to delete: one the admin creates for the test (existing data is never deleted). */
async function victimFor(ctx: CheckContext, kind: ObjectKind, admin: string): Promise<ObjectRef | undefined> {
  const create = kind.create;
  const sample = create && samplesOf(ctx, create.op).find((s) => s.user === admin);
  if (create === undefined || sample === undefined || !ctx.client.canSend()) return undefined;
  const made = await ctx.client.send(sample.request, { as: admin });
  const value = create.result(made);
  return value === undefined ? undefined : createdRef(kind, made, value);
}

/**
 * When no object can be made for the test, nothing is deleted: the operation is asked to delete an
 * object that does not exist, as the administrator, as a normal user and anonymously. A normal user
 * who gets the administrator's answer ("not found") where the anonymous call is refused passed the
 * role check, or there is none.
 */
async function probeMissing(ctx: CheckContext, kind: ObjectKind, del: Endpoint, why: string, admin: string, user: string): Promise<void> {
  if (!ctx.client.canSend(3)) return;
  const listing = await listAs(ctx, kind, admin);
  const numeric = listing !== undefined && [...listing.ids].some((id) => /^\d+$/.test(id));
  const id = numeric ? '987654321' : `herd-missing-${Date.now().toString(36)}`;
  const param = pathParams(del.op.path).pop();
  const ref: ObjectRef = { id, pathValues: param === undefined ? {} : { [param]: id } };
  const req = del.request(ref);
  if (req === undefined) return;
  const asAdmin = await ctx.client.send(req, { as: admin });
  const asUser = await ctx.client.send(req, { as: user });
  const anon = await ctx.client.send(req);
  const status = (e: Exchange) => e.response?.status ?? 0;
  const refused = (n: number) => n === 401 || n === 403;
  if (status(asAdmin) === 0 || refused(status(asAdmin)) || status(asUser) !== status(asAdmin) || !refused(status(anon))) return;
  if (asUser.response?.body !== asAdmin.response?.body && !(status(asUser) === 404 || status(asUser) === 410)) return;
  ctx.report({
    location: del.location,
    detail: `${user} (role user) asked an administrators' operation (${why}) to delete an object that does not exist and got the administrator's own answer (HTTP ${status(asUser)}), where an anonymous call was refused (HTTP ${status(anon)}): the role is not checked. Nothing was deleted.`,
    evidence: [asAdmin, asUser, anon],
  });
}

async function gone(ctx: CheckContext, kind: ObjectKind, ref: ObjectRef, admin: string): Promise<{ gone: boolean; ex?: Exchange }> {
  if (kind.read !== undefined) {
    const req = kind.read.request(ref);
    if (req === undefined) return { gone: false };
    const ex = await ctx.client.send(req, { as: admin });
    return { gone: isGone(ex), ex };
  }
  const listing = await listAs(ctx, kind, admin);
  return { gone: listing !== undefined && !listing.ids.has(ref.id), ex: listing?.exchange };
}

async function testDelete(ctx: CheckContext, kind: ObjectKind, del: Endpoint, why: string, admin: string, user: string): Promise<void> {
  if (ctx.safe || !ctx.client.canSend(4)) return;
  const ref = await victimFor(ctx, kind, admin);
  const req = ref && del.request(ref);
  if (ref === undefined || req === undefined) return probeMissing(ctx, kind, del, why, admin, user);
  const asUser = await ctx.client.send(req, { as: user });
  const check = del.result(asUser) === undefined ? { gone: false } : await gone(ctx, kind, ref, admin);
  if (!check.gone) {
    // The object made for the test goes again.
    await ctx.client.send(req, { as: admin });
    return;
  }
  ctx.report({
    location: del.location,
    detail: `${user} (role user) deleted object ${ref.id}, made by ${admin} for the test, through an administrators' operation (${why}); ${admin} no longer finds it.`,
    evidence: [asUser, ...(check.ex ? [check.ex] : [])],
  });
}

async function run(ctx: CheckContext): Promise<void> {
  const admin = adminUsers(ctx)[0]?.name;
  const user = normalUsers(ctx)[0]?.name;
  if (admin === undefined || user === undefined) {
    ctx.log('authz.bfla needs a user with role admin and one with role user; skipped');
    return;
  }
  const kinds = ctx.api.operations.some((op) => isMutating(ctx.api, op)) ? objectKinds(ctx) : [];
  for (const op of ctx.api.operations) {
    const why = adminHint(op);
    if (why === undefined || isLoginOperation(ctx.api, op)) continue;
    const kind = kinds.find((k) => k.deletes.some((d) => d.op.id === op.id));
    const del = kind?.deletes.find((d) => d.op.id === op.id);
    if (kind !== undefined && del !== undefined && del.item) {
      await testDelete(ctx, kind, del, why, admin, user);
    } else if (!isMutating(ctx.api, op) || (!ctx.safe && op.method !== 'DELETE')) {
      await testCall(ctx, op, why, admin, user);
    }
  }
}

export const bflaCheck: Check = { ...BFLA_INFO, appliesTo: 'rest', run };
