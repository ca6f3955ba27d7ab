/**
 * A REST API seen as kinds of objects (orders, users…) and what can be done to one object: read
 * it, list them, create, update and delete one. Kinds are grouped by collection path:
 * `/api/orders` (list, create) with `/api/orders/{id}` (read, update, delete). The BOLA, BFLA and
 * mass-assignment checks work on these.
 */
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import type { CheckContext, Sample } from '../../check.js';
import { idOf, is2xx, isObject, jsonOf, locationOf, objectsIn, samplesOf, type JsonObject } from './common.js';
import { collectionPath, itemParam, pathParams, restRequest } from './rest.js';

/** One object: its id and, for REST, every path value of its item path. */
export interface ObjectRef {
  readonly id: string;
  readonly pathValues: Readonly<Record<string, string>>;
}

export interface Endpoint {
  readonly op: ApiOperation;
  readonly location: string;
  /** Whether it names one object (an id in the path or an id argument). */
  readonly item: boolean;
  /** The request for an object (`input`: the JSON body). */
  request(ref: ObjectRef | undefined, input?: JsonObject): ScanRequest | undefined;
  /** What a successful answer carries (`true` for an empty 2xx); undefined when it failed. */
  result(ex: Exchange): unknown;
}

export interface ObjectKind {
  /** The collection path. */
  readonly name: string;
  readonly read?: Endpoint;
  readonly list?: Endpoint;
  readonly create?: Endpoint;
  readonly updates: readonly Endpoint[];
  readonly deletes: readonly Endpoint[];
}

function restResult(ex: Exchange): unknown {
  if (!is2xx(ex)) return undefined;
  const json = jsonOf(ex);
  if (json !== undefined) return json;
  const body = ex.response?.body ?? '';
  return body.trim() === '' ? true : body;
}

function restEndpoint(ctx: CheckContext, op: ApiOperation): Endpoint {
  const template: Sample | undefined = samplesOf(ctx, op)[0];
  const idParam = itemParam(op.path);
  return {
    op,
    location: locationOf(ctx.api, op),
    item: idParam !== undefined,
    request(ref, input) {
      const values: Record<string, string> = { ...(template?.pathValues ?? {}), ...(ref?.pathValues ?? {}) };
      if (ref !== undefined && idParam !== undefined) values[idParam] = ref.id;
      return restRequest(ctx, op, values, input, template);
    },
    result: restResult,
  };
}

function restKinds(ctx: CheckContext): ObjectKind[] {
  const byName = new Map<string, { read?: Endpoint; list?: Endpoint; create?: Endpoint; updates: Endpoint[]; deletes: Endpoint[] }>();
  const kind = (name: string) => {
    let k = byName.get(name);
    if (k === undefined) byName.set(name, (k = { updates: [], deletes: [] }));
    return k;
  };
  const collections = new Set<string>();
  for (const op of ctx.api.operations) {
    const c = itemParam(op.path) === undefined ? undefined : collectionPath(op.path);
    if (c !== undefined) collections.add(c);
  }
  for (const op of ctx.api.operations) {
    const c = itemParam(op.path) === undefined ? undefined : collectionPath(op.path);
    if (c !== undefined) {
      const k = kind(c);
      if (op.method === 'GET') k.read ??= restEndpoint(ctx, op);
      else if (op.method === 'PUT' || op.method === 'PATCH') k.updates.push(restEndpoint(ctx, op));
      else if (op.method === 'DELETE') k.deletes.push(restEndpoint(ctx, op));
    } else if (collections.has(op.path)) {
      const k = kind(op.path);
      const requiredQuery = op.parameters.some((p) => p.required && p.in === 'query');
      if (op.method === 'GET' && !requiredQuery) k.list ??= restEndpoint(ctx, op);
      else if (op.method === 'POST') k.create ??= restEndpoint(ctx, op);
    }
  }
  return [...byName.entries()].map(([name, k]) => ({ name, ...k }));
}

export function objectKinds(ctx: CheckContext): ObjectKind[] {
  return ctx.api.kind === 'rest' ? restKinds(ctx) : [];
}

/** The object an answer is about: the object itself, or the single object of a wrapper. */
export function objectOf(value: unknown, param?: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  if (idOf(value, param) !== undefined) return value;
  const inner = Object.values(value).filter((v) => isObject(v) && idOf(v, param) !== undefined);
  return inner.length === 1 ? (inner[0] as JsonObject) : value;
}

/** Objects of a kind that the exploration saw `user` read, with the path values it used. */
export function sampledRefs(ctx: CheckContext, kind: ObjectKind, user: string): ObjectRef[] {
  const out: ObjectRef[] = [];
  const read = kind.read;
  if (read === undefined) return out;
  const p = itemParam(read.op.path);
  for (const s of samplesOf(ctx, read.op)) {
    const id = p === undefined ? undefined : s.pathValues[p];
    if (s.user === user && id !== undefined) out.push({ id, pathValues: s.pathValues });
  }
  for (const r of ctx.resources) {
    if (r.owner !== user || !(r.itemPath === read.op.path || r.collection === kind.name)) continue;
    if (pathParams(read.op.path).length !== 1) continue;
    out.push({ id: r.id, pathValues: p === undefined ? {} : { [p]: r.id } });
  }
  return dedupe(out);
}

/** The path parameter a kind's items are addressed by (`slug` for `/notes/{slug}`). */
export function kindParam(kind: ObjectKind): string | undefined {
  return kind.read !== undefined ? itemParam(kind.read.op.path) : kind.updates[0] ? itemParam(kind.updates[0].op.path) : undefined;
}

export function dedupe(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

/** A listing's objects, as references usable with the kind's item endpoints. */
export function listedRefs(kind: ObjectKind, listing: unknown): { ref: ObjectRef; obj: JsonObject }[] {
  const p = kind.read !== undefined ? itemParam(kind.read.op.path) : undefined;
  const out: { ref: ObjectRef; obj: JsonObject }[] = [];
  for (const obj of objectsIn(listing)) {
    const id = idOf(obj, p);
    if (id !== undefined) out.push({ ref: { id, pathValues: p === undefined ? {} : { [p]: id } }, obj });
  }
  return out;
}

/** Ids in a listing as `user` sees it now (one request), or undefined when it cannot be listed. */
export async function listAs(ctx: CheckContext, kind: ObjectKind, user: string): Promise<{ ids: Set<string>; objects: JsonObject[]; exchange: Exchange } | undefined> {
  const req = kind.list?.request(undefined);
  if (kind.list === undefined || req === undefined || !ctx.client.canSend()) return undefined;
  const exchange = await ctx.client.send(req, { as: user });
  const value = kind.list.result(exchange);
  if (value === undefined) return undefined;
  const objects = objectsIn(value);
  if (objects.length === 0 && !(Array.isArray(value) || (isObject(value) && Object.values(value).some(Array.isArray)))) return undefined;
  const p = kindParam(kind);
  return { ids: new Set(objects.map((o) => idOf(o, p)).filter((x): x is string => x !== undefined)), objects, exchange };
}

/** The id of an object a create call made (its body's id, or the Location header's last segment). */
export function createdRef(kind: ObjectKind, ex: Exchange, value: unknown): ObjectRef | undefined {
  const p = kindParam(kind);
  let id = idOf(objectOf(value, p), p);
  const location = ex.response?.headers.location;
  if (id === undefined && location !== undefined) id = lastSegment(location);
  if (id === undefined) return undefined;
  return { id, pathValues: p === undefined ? {} : { [p]: id } };
}

function lastSegment(location: string): string | undefined {
  const segment = location.split(/[?#]/)[0].replace(/\/$/, '').split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return segment || undefined;
  }
}
