/**
 * authz.bola (REST; GraphQL APIs have their own form in checks/graphql): user B reads, changes or
 * deletes an object that belongs to user A by sending its id. An object counts as A's only with
 * evidence that it is private: its owner field points at A, or it is in A's listing and not in
 * B's. Public objects (readable without credentials, or listed for both) are never reported.
 * Writes run outside --safe only, on an object A creates for the purpose when the API can create
 * one, and are undone afterwards.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { brief, isGone, normalUsers, sameJson, samplesOf, sameObject, type JsonObject } from './common.js';
import { identitiesOf, ownerOf, type Identity } from './identity.js';
import { BOLA_INFO } from './info-authz.js';
import { createdRef, dedupe, listAs, listedRefs, objectKinds, objectOf, sampledRefs, type Endpoint, type ObjectKind, type ObjectRef } from './objects.js';
import { isJsonBody, objectFor } from './rest.js';
import { planChange } from './writes.js';

type Listing = Awaited<ReturnType<typeof listAs>>;

interface KindRun {
  readonly ctx: CheckContext;
  readonly kind: ObjectKind;
  readonly ids: ReadonlyMap<string, Identity>;
  readonly listings: Map<string, Listing>;
  readonly reported: Set<string>;
  /** Objects shown to be private to a user during the read test. */
  readonly privateRefs: Map<string, ObjectRef[]>;
}

const MAX_OBJECTS_PER_USER = 3;

async function listingOf(run: KindRun, user: string): Promise<Listing> {
  if (!run.listings.has(user)) run.listings.set(user, await listAs(run.ctx, run.kind, user));
  return run.listings.get(user);
}

async function readAs(run: KindRun, read: Endpoint, ref: ObjectRef, user: string | null): Promise<{ ex: Exchange; obj: JsonObject | undefined }> {
  const req = read.request(ref);
  if (req === undefined) return { ex: { request: { method: 'GET', url: '', headers: {} }, response: null, error: 'no request' }, obj: undefined };
  const ex = await run.ctx.client.send(req, { as: user });
  return { ex, obj: objectOf(read.result(ex)) };
}

/** Whether the object (as its owner sees it) is private to `a` rather than shared with `b`. */
async function privateTo(run: KindRun, obj: JsonObject, id: string, a: string, b: string): Promise<{ private: boolean; evidence: Exchange[]; why: string }> {
  const owner = ownerOf(obj, run.ids);
  if (owner === b) return { private: false, evidence: [], why: '' };
  const la = await listingOf(run, a);
  const lb = await listingOf(run, b);
  if (lb?.ids.has(id)) return { private: false, evidence: [], why: '' };
  if (owner === a) return { private: true, evidence: [], why: `its owner field points at ${a}` };
  if (la?.ids.has(id) && lb !== undefined) {
    return { private: true, evidence: [la.exchange, lb.exchange], why: `${a}'s listing has it and ${b}'s does not` };
  }
  return { private: false, evidence: [], why: '' };
}

async function candidates(run: KindRun, user: string): Promise<ObjectRef[]> {
  const refs = sampledRefs(run.ctx, run.kind, user);
  const listing = await listingOf(run, user);
  if (listing !== undefined) refs.push(...listedRefs(run.kind, listing.objects).map((x) => x.ref));
  return dedupe(refs).slice(0, MAX_OBJECTS_PER_USER);
}

/** `tested` once B was refused an object shown to be private to A: the kind is protected. */
async function testRead(run: KindRun, a: string, b: string): Promise<'reported' | 'tested' | 'untested'> {
  const { ctx, kind } = run;
  const read = kind.read;
  if (read === undefined) return 'untested';
  for (const ref of await candidates(run, a)) {
    if (run.reported.has(read.location) || !ctx.client.canSend(3)) return 'untested';
    const asA = await readAs(run, read, ref, a);
    if (asA.obj === undefined) continue;
    const privacy = await privateTo(run, asA.obj, ref.id, a, b);
    if (!privacy.private) continue;
    const list = run.privateRefs.get(a) ?? [];
    list.push(ref);
    run.privateRefs.set(a, list);
    const asB = await readAs(run, read, ref, b);
    if (asB.obj === undefined || !sameObject(asA.obj, asB.obj) || ownerOf(asB.obj, run.ids) === b) return 'tested';
    const anon = await readAs(run, read, ref, null);
    if (anon.obj !== undefined && sameObject(asA.obj, anon.obj)) return 'tested';
    run.reported.add(read.location);
    ctx.report({
      location: read.location,
      detail: `${b} read ${a}'s object ${ref.id} (${privacy.why}) and got the same data as ${a}: ${brief(asB.obj, 160)}.`,
      evidence: [asA.ex, ...privacy.evidence, asB.ex],
    });
    return 'reported';
  }
  return 'untested';
}

/** An object `a` creates for the test (replaying an exploration sample of the create call). */
async function freshObject(run: KindRun, a: string): Promise<{ ref: ObjectRef; created: Exchange } | undefined> {
  const { ctx, kind } = run;
  const create = kind.create;
  if (create === undefined || !ctx.client.canSend()) return undefined;
  const sample = samplesOf(ctx, create.op).find((s) => s.user === a) ?? samplesOf(ctx, create.op).find((s) => s.user !== null);
  let req = sample?.request;
  if (req === undefined && create.op.requestBody !== undefined && isJsonBody(create.op)) {
    req = create.request(undefined, objectFor(create.op.requestBody.schema, undefined));
  }
  if (req === undefined) return undefined;
  const created = await ctx.client.send(req, { as: a });
  const value = create.result(created);
  const ref = value === undefined ? undefined : createdRef(kind, created, value);
  return ref === undefined ? undefined : { ref, created };
}

async function stillThere(run: KindRun, ref: ObjectRef, a: string): Promise<{ there: boolean; ex?: Exchange }> {
  if (run.kind.read !== undefined) {
    const r = await readAs(run, run.kind.read, ref, a);
    return { there: r.obj !== undefined || !isGone(r.ex), ex: r.ex };
  }
  run.listings.delete(a);
  const l = await listingOf(run, a);
  return { there: l?.ids.has(ref.id) ?? true, ex: l?.exchange };
}

async function currentOf(run: KindRun, ref: ObjectRef, a: string): Promise<{ obj?: JsonObject; ex?: Exchange }> {
  if (run.kind.read !== undefined) {
    const r = await readAs(run, run.kind.read, ref, a);
    return { obj: r.obj, ex: r.ex };
  }
  run.listings.delete(a);
  const l = await listingOf(run, a);
  return { obj: l?.objects.find((o) => listedRefs(run.kind, [o])[0]?.ref.id === ref.id), ex: l?.exchange };
}

async function testUpdate(run: KindRun, update: Endpoint, ref: ObjectRef, a: string, b: string): Promise<void> {
  const { ctx } = run;
  if (run.reported.has(update.location) || !ctx.client.canSend(4)) return;
  const before = await currentOf(run, ref, a);
  if (before.obj === undefined) return;
  const change = planChange(update, before.obj);
  const req = change && update.request(ref, change.input);
  if (change === undefined || req === undefined) return;
  const byB = await ctx.client.send(req, { as: b });
  if (update.result(byB) === undefined) return;
  const after = await currentOf(run, ref, a);
  const changed = after.obj !== undefined && sameJson(after.obj[change.field], change.value);
  if (changed) {
    const restore = update.request(ref, change.restore);
    if (restore !== undefined) await ctx.client.send(restore, { as: a });
    run.reported.add(update.location);
    ctx.report({
      location: update.location,
      detail: `${b} changed ${change.field} of ${a}'s object ${ref.id} to ${brief(change.value)}; ${a}'s next read showed the new value (it was put back afterwards).`,
      evidence: [before.ex, byB, after.ex].filter((x): x is Exchange => x !== undefined),
    });
  }
}

async function testDelete(run: KindRun, del: Endpoint, ref: ObjectRef, a: string, b: string): Promise<boolean> {
  const { ctx } = run;
  if (run.reported.has(del.location) || !ctx.client.canSend(3)) return false;
  const before = await stillThere(run, ref, a);
  if (!before.there) return false;
  const req = del.request(ref);
  if (req === undefined) return false;
  const byB = await ctx.client.send(req, { as: b });
  if (del.result(byB) === undefined) return false;
  const after = await stillThere(run, ref, a);
  if (after.there) return false;
  run.reported.add(del.location);
  ctx.report({
    location: del.location,
    detail: `${b} deleted ${a}'s object ${ref.id}: the delete answered ${byB.response?.status ?? '?'} and ${a} can no longer find it.`,
    evidence: [before.ex, byB, after.ex].filter((x): x is Exchange => x !== undefined),
  });
  return true;
}

async function testWrites(run: KindRun, a: string, b: string): Promise<boolean> {
  const { ctx, kind } = run;
  if (ctx.safe || (kind.updates.length === 0 && kind.deletes.length === 0)) return false;
  let victim: ObjectRef | undefined;
  let fresh = false;
  const made = await freshObject(run, a);
  if (made !== undefined) {
    const now = await currentOf(run, made.ref, a);
    run.listings.delete(a);
    run.listings.delete(b);
    const privacy = now.obj === undefined ? undefined : await privateTo(run, now.obj, made.ref.id, a, b);
    if (privacy?.private) {
      victim = made.ref;
      fresh = true;
    } else {
      const cleanup = kind.deletes[0]?.request(made.ref);
      if (cleanup !== undefined) await ctx.client.send(cleanup, { as: a });
    }
  }
  victim ??= run.privateRefs.get(a)?.[0];
  if (victim === undefined) return false;
  for (const update of kind.updates) await testUpdate(run, update, victim, a, b);
  let gone = false;
  for (const del of kind.deletes) {
    if (gone) {
      // The victim is gone: the next delete operation needs another object made for the test.
      const again = fresh ? await freshObject(run, a) : undefined;
      if (again === undefined) break;
      victim = again.ref;
    }
    gone = await testDelete(run, del, victim, a, b);
  }
  if (fresh && !gone) {
    const cleanup = kind.deletes[0]?.request(victim);
    if (cleanup !== undefined) await ctx.client.send(cleanup, { as: a });
  }
  return true;
}

async function run(ctx: CheckContext): Promise<void> {
  const users = normalUsers(ctx).map((u) => u.name);
  if (users.length < 2) {
    ctx.log('authz.bola needs two users with role user; skipped', { users: users.length });
    return;
  }
  const kinds = objectKinds(ctx).filter((k) => k.read !== undefined || k.updates.length > 0 || k.deletes.length > 0);
  if (kinds.length === 0) return;
  const pair: [string, string][] = [
    [users[0], users[1]],
    [users[1], users[0]],
  ];
  const ids = await identitiesOf(ctx, users.slice(0, 2));
  for (const kind of kinds) {
    const kindRun: KindRun = { ctx, kind, ids, listings: new Map(), reported: new Set(), privateRefs: new Map() };
    // The reverse pair only when the first found no private object to try.
    for (const [a, b] of pair) if ((await testRead(kindRun, a, b)) !== 'untested') break;
    for (const [a, b] of pair) if (await testWrites(kindRun, a, b)) break;
  }
}

export const bolaCheck: Check = { ...BOLA_INFO, appliesTo: 'rest', run };
