/**
 * Exploration of a REST API before the checks: every operation is called as each user (and
 * without credentials) with valid requests, in an order that lets later calls use what earlier
 * ones returned — collections first (identifiers are learned from their items), then creations
 * (outside --safe; what a user creates is theirs), then item reads with those identifiers, then
 * updates written back with the object's current values (so exploration does not change data it
 * did not create). Deletions are left to the checks. Each successful call is kept as a Sample;
 * objects seen are kept as KnownResources per user.
 */
import type { KnownResource, Sample, ScanClient } from '../check.js';
import type { ApiOperation, RestApi } from '../model.js';
import { buildRequest } from './build-request.js';

export interface ExploreOptions {
  readonly api: RestApi;
  readonly root: URL;
  readonly client: ScanClient;
  /** User names; exploration also runs without credentials. */
  readonly users: readonly string[];
  readonly safe: boolean;
  /**
   * What each user is known by (`{username: 'carol'}`, from their login): path parameters of that
   * name take the user's own value first, so that `/users/{username}` reaches their own profile.
   */
  readonly identities?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Samples kept per operation and user. */
  readonly samplesPerUser?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Exploration {
  readonly samples: Map<string, Sample[]>;
  readonly resources: KnownResource[];
}

const WRITE = new Set(['PUT', 'PATCH']);
/** Fields never written back by exploration (a changed password would lock the user out). */
const UNTOUCHABLE = /pass(word)?|secret|token|e-?mail|role|admin|permission/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function exploreRest(o: ExploreOptions): Promise<Exploration> {
  const samples = new Map<string, Sample[]>();
  const resources: KnownResource[] = [];
  const perUser = o.samplesPerUser ?? 2;
  const ops = o.api.operations;
  const phases: ApiOperation[][] = [
    ops.filter((op) => op.method === 'GET' && !hasPathParams(op)),
    o.safe ? [] : ops.filter((op) => op.method === 'POST'),
    ops.filter((op) => op.method === 'GET' && hasPathParams(op)),
    o.safe ? [] : ops.filter((op) => WRITE.has(op.method)),
  ];
  const actors: (string | null)[] = [...o.users, null];
  const total = phases.reduce((n, p) => n + p.length, 0) * actors.length;
  let done = 0;
  for (const actor of actors) {
    const learned = new Map<string, unknown>();
    const identity = new Map<string, string>();
    for (const [k, v] of Object.entries((actor !== null ? o.identities?.get(actor) : undefined) ?? {})) identity.set(k.toLowerCase().replace(/[-_]/g, ''), v);
    for (const phase of phases) {
      for (const op of phase) {
        done++;
        o.onProgress?.(done, total);
        if (!o.client.canSend()) return { samples, resources };
        if (actor === null && op.method !== 'GET') continue;
        if (isLoginLike(op)) continue;
        const pathValues = pathValuesFor(op, actor, resources, learned, identity);
        if (pathValues === null) continue;
        let body: unknown;
        if (WRITE.has(op.method)) {
          body = currentStateBody(op, actor, samples);
          if (body === undefined) continue;
        }
        const built = buildRequest(op, o.root, { learned, pathValues, ...(body !== undefined ? { body } : {}) });
        const exchange = await o.client.send(built.request, { as: actor });
        const res = exchange.response;
        if (res === null || res.status < 200 || res.status >= 300) continue;
        const json = parseJson(res.body, res.headers['content-type']);
        learn(json, learned, collectionOf(op.path));
        const list = samples.get(op.id) ?? [];
        if (list.filter((s) => s.user === actor).length < perUser) {
          list.push({ operation: op, user: actor, request: built.request, exchange, pathValues: built.pathValues, json });
          samples.set(op.id, list);
        }
        if (actor !== null) recordResources(op, actor, json, resources, o.api);
      }
    }
  }
  return { samples, resources };
}

function hasPathParams(op: ApiOperation): boolean {
  return op.parameters.some((p) => p.in === 'path');
}

/** Login/token operations are the auth configuration's business (and would rotate sessions). */
function isLoginLike(op: ApiOperation): boolean {
  return op.method === 'POST' && /(^|\/)(login|signin|sign-in|logout|signout|token|session)s?(\/|$)/i.test(op.path);
}

/**
 * The collection an item path belongs to: `/orders/{id}` → `/orders`, `/users/me` → `/users`; a
 * collection is itself.
 */
export function collectionOf(path: string): string {
  return path.replace(/\/(\{[^/{}]+\}|me|self|current)$/, '');
}

/** Values for the path parameters: the actor's own objects of that collection first. */
function pathValuesFor(
  op: ApiOperation,
  actor: string | null,
  resources: readonly KnownResource[],
  learned: Map<string, unknown>,
  identity: ReadonlyMap<string, string>,
): Record<string, string> | null {
  const params = op.parameters.filter((p) => p.in === 'path');
  if (params.length === 0) return {};
  const out: Record<string, string> = {};
  const last = params[params.length - 1]!;
  const collection = collectionOf(op.path);
  const own = resources.find((r) => r.owner === actor && r.collection === collection);
  const seen = own ?? resources.find((r) => r.collection === collection);
  for (const p of params) {
    const own = identity.get(p.name.toLowerCase().replace(/[-_]/g, ''));
    if (own !== undefined) {
      out[p.name] = own;
      continue;
    }
    if (p === last && seen !== undefined && op.path.endsWith(`{${p.name}}`)) {
      out[p.name] = seen.id;
      continue;
    }
    const v = learned.get(p.name.toLowerCase().replace(/[-_]/g, ''));
    if (v !== undefined) out[p.name] = String(v);
  }
  // Parameters left to the schema (an example, or a made-up value) are fine for reads.
  return out;
}

/** For PUT/PATCH: the object as last read by the actor, limited to the writable fields. */
function currentStateBody(op: ApiOperation, actor: string | null, samples: ReadonlyMap<string, Sample[]>): unknown {
  const props = op.requestBody?.schema.properties;
  for (const list of samples.values()) {
    for (const s of list) {
      if (s.user !== actor || s.operation.method !== 'GET' || s.operation.path !== op.path || !isObj(s.json)) continue;
      const body: Obj = {};
      for (const [k, v] of Object.entries(s.json)) {
        if (UNTOUCHABLE.test(k)) continue;
        if (isObj(props) && !(k in props)) continue;
        if (isObj(props) && isObj(props[k]) && (props[k] as Obj).readOnly === true) continue;
        body[k] = v;
      }
      return Object.keys(body).length > 0 ? body : undefined;
    }
  }
  return undefined;
}

export function parseJson(body: string, contentType: string | undefined): unknown {
  if (body === '' || (contentType !== undefined && !/json/i.test(contentType) && !/^\s*[[{]/.test(body))) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Identifiers in a response: `id` and `<name>Id` keys, remembered by lower-case name. */
function learn(json: unknown, learned: Map<string, unknown>, collection: string, depth = 0): void {
  if (depth > 4) return;
  if (Array.isArray(json)) {
    for (const x of json.slice(0, 20)) learn(x, learned, collection, depth + 1);
    return;
  }
  if (!isObj(json)) return;
  const noun = singularNoun(collection);
  for (const [k, v] of Object.entries(json)) {
    if (typeof v === 'string' || typeof v === 'number') {
      const key = k.toLowerCase().replace(/[-_]/g, '');
      if (key === 'id' || key === 'uuid') {
        if (!learned.has('id')) learned.set('id', v);
        if (noun !== '' && !learned.has(`${noun}id`)) learned.set(`${noun}id`, v);
      } else if (!learned.has(key) && (typeof v === 'number' || (v !== '' && v.length <= 200))) {
        // Any short field: path parameters are often named after one (`{username}`, `{book_title}`).
        learned.set(key, v);
      }
    } else if (typeof v === 'object' && v !== null) {
      learn(v, learned, collection, depth + 1);
    }
  }
}

function singularNoun(collection: string): string {
  const seg = collection.split('/').filter((s) => s !== '' && !s.startsWith('{')).pop() ?? '';
  const s = seg.toLowerCase().replace(/[-_]/g, '');
  return s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') ? s.slice(0, -1) : s;
}

/** Objects with an id in a response: created by the actor (POST) or listed to them (GET). */
function recordResources(op: ApiOperation, actor: string, json: unknown, resources: KnownResource[], api: RestApi): void {
  const collection = collectionOf(op.path);
  const itemPath = api.operations.find((x) => x.method === 'GET' && collectionOf(x.path) === collection && x.path !== collection)?.path;
  const objects: Obj[] = [];
  if (Array.isArray(json)) objects.push(...json.filter(isObj).slice(0, 20));
  else if (isObj(json)) {
    const list = Object.values(json).find((v) => Array.isArray(v) && v.some(isObj));
    if (op.method === 'GET' && !hasPathParams(op) && Array.isArray(list)) objects.push(...list.filter(isObj).slice(0, 20));
    else objects.push(json);
  }
  // The field the item path identifies objects by: its last parameter when objects carry a field of
  // that name (`/books/{book_title}` ↔ `book_title`), else id, uuid or _id.
  const param = itemPath?.match(/\{([^{}/]+)\}$/)?.[1];
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  for (const obj of objects) {
    const byParam = param === undefined ? undefined : Object.keys(obj).find((k) => norm(k) === norm(param) && norm(k) !== 'id');
    const id = byParam !== undefined ? obj[byParam] : (obj.id ?? obj.uuid ?? obj._id);
    if (typeof id !== 'string' && typeof id !== 'number') continue;
    if (resources.some((r) => r.owner === actor && r.collection === collection && r.id === String(id))) continue;
    resources.push({ owner: actor, collection, id: String(id), ...(itemPath !== undefined ? { itemPath } : {}), fields: obj });
  }
}
