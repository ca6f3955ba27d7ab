/**
 * Exploration of a GraphQL API: every query field run as every user and without credentials, ids
 * learned from the answers and fed to the fields that take ids, and (outside `--safe`) one object
 * created per user with each `createX`-like mutation. The result is what checks start from: the
 * successful requests per operation (`samples`) and the objects each user owns (`resources`).
 *
 * GraphQL resources: `collection` is the object's type name (`Order`) and `itemPath` the operation
 * that reads one by id (`Query.order`), when the schema has one.
 */
import { getNamedType, type GraphQLSchema } from 'graphql';
import type { KnownResource, Sample, ScanClient, ScanUser } from '../check.js';
import type { ApiOperation, GraphqlApi } from '../model.js';
import { buildOperation, leafSelection, pruneSelection, selectionFor, type SelNode } from './query-builder.js';
import {
  idTargetType,
  isComposite,
  isIdArg,
  operationById,
  operationIdOf,
  requiredArgs,
  rootFields,
  schemaOf,
  viewerField,
  wordsOf,
  type GqlField,
  type RootKind,
} from './schema-tools.js';
import { endpointUrl, GraphqlTransport, parseJsonText } from './transport.js';
import { requiredArgValues, type ValueHints } from './values.js';
import { objectsIn, type SeenObject } from './walk.js';
import { objectKey } from './observe.js';

export interface ExploreGraphqlOptions {
  readonly api: GraphqlApi;
  readonly baseUrl: URL;
  readonly client: ScanClient;
  /** The scan's users (with roles, so that administrators' wider view is not taken as ownership). */
  readonly users: readonly (ScanUser | string)[];
  readonly safe: boolean;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface GraphqlExploration {
  readonly samples: Map<string, Sample[]>;
  readonly resources: KnownResource[];
}

/** Verbs of mutations that create an object (run once per user outside `--safe`). */
const CREATE_VERBS = new Set(['create', 'add', 'new', 'place', 'submit', 'book', 'post', 'open']);
/** Words that keep a creating mutation out of exploration (privileges, accounts, credentials). */
const CREATE_AVOID = new Set(['role', 'roles', 'admin', 'permission', 'permissions', 'privilege', 'user', 'users', 'account', 'member', 'token', 'session', 'login']);
/** Fields of an object that name its owner by id, or hold the owner object. */
const OWNER_ID_FIELDS = ['ownerId', 'owner_id', 'userId', 'user_id', 'authorId', 'author_id', 'createdById', 'created_by_id', 'customerId', 'customer_id', 'accountId'];
const OWNER_REF_FIELDS = ['owner', 'user', 'author', 'createdBy', 'created_by', 'customer', 'account', 'creator'];

interface Observation {
  readonly identity: string | null;
  /** Seen in a listing (a query field without required arguments). */
  readonly listing: boolean;
  /** Seen through the viewer field (`me`) at most one level down. */
  readonly viewer: boolean;
  readonly created: boolean;
  readonly obj: SeenObject;
}

/** What one identity learns and records (kept apart per identity so that parallel runs stay deterministic). */
class Bucket {
  readonly samples: Sample[] = [];
  readonly observations: Observation[] = [];
  readonly ids = new Map<string, string[]>();

  constructor(readonly identity: string | null) {}

  learn(obj: SeenObject): void {
    if (obj.id === null) return;
    let list = this.ids.get(obj.typeName);
    if (list === undefined) this.ids.set(obj.typeName, (list = []));
    if (!list.includes(obj.id) && list.length < 50) list.push(obj.id);
  }
}

function mergeIds(buckets: readonly Bucket[]): Map<string, string[]> {
  const all = new Map<string, string[]>();
  for (const b of buckets) {
    for (const [t, ids] of b.ids) {
      const list = all.get(t) ?? [];
      for (const id of ids) if (!list.includes(id)) list.push(id);
      all.set(t, list);
    }
  }
  return all;
}

/** Own ids first, then those anyone saw; `skip` drops the first ones (second attempts). */
function hintsOf(own: Map<string, string[]>, global: Map<string, string[]>, skip = 0): ValueHints {
  return {
    idsOf(typeName) {
      const pick = (m: Map<string, string[]>): string[] => (typeName === null ? [...m.values()].flat() : (m.get(typeName) ?? []));
      const merged = [...pick(own)];
      for (const id of pick(global)) if (!merged.includes(id)) merged.push(id);
      return merged.slice(skip);
    },
  };
}

function isCreateMutation(f: GqlField): boolean {
  const w = wordsOf(f.name);
  return w.length > 1 && CREATE_VERBS.has(w[0] ?? '') && !w.some((x) => CREATE_AVOID.has(x)) && isComposite(f.type);
}

export async function exploreGraphql(o: ExploreGraphqlOptions): Promise<GraphqlExploration> {
  const schema = schemaOf(o.api);
  if (schema === null) return { samples: new Map(), resources: [] };
  const users: ScanUser[] = o.users.map((u) => (typeof u === 'string' ? { name: u, role: 'user' } : u));
  const transport = new GraphqlTransport(o.client, endpointUrl(o.baseUrl, o.api.endpoint), { safe: o.safe });
  const run = new FieldRunner(schema, o.api, transport);
  const viewer = viewerField(schema);
  const buckets = [...users.map((u) => new Bucket(u.name)), new Bucket(null)];
  const userBuckets = buckets.filter((b) => b.identity !== null);
  const queries = rootFields(schema, 'query');
  const listings = queries.filter((f) => requiredArgs(f).length === 0);
  const byId = queries.filter((f) => requiredArgs(f).length > 0);

  const listAll = () =>
    Promise.all(
      buckets.map(async (b) => {
        for (const f of listings) {
          if (!o.client.canSend()) return;
          await run.field(b, 'query', f, {}, { listing: true, viewer: f === viewer, created: false });
        }
      }),
    );

  await listAll();
  if (!o.safe && schema.getMutationType() !== undefined && schema.getMutationType() !== null) {
    const creates = rootFields(schema, 'mutation').filter(isCreateMutation);
    const global = mergeIds(buckets);
    let created = 0;
    await Promise.all(
      userBuckets.map(async (b) => {
        for (const f of creates) {
          if (!o.client.canSend()) return;
          const args = requiredArgValues(schema, f, hintsOf(b.ids, global));
          if (args === null) continue;
          if (await run.field(b, 'mutation', f, args, { listing: false, viewer: false, created: true })) created += 1;
        }
      }),
    );
    o.log?.('graphql objects created', { created });
    // Listings again: who sees the new objects tells private ones from public ones.
    if (created > 0) await listAll();
  }
  const global = mergeIds(buckets);
  await Promise.all(
    buckets.map(async (b) => {
      for (const f of byId) {
        for (let attempt = 0; attempt < 2; attempt++) {
          if (!o.client.canSend()) return;
          const args = requiredArgValues(schema, f, hintsOf(b.ids, global, attempt));
          if (args === null) break;
          if (await run.field(b, 'query', f, args, { listing: false, viewer: false, created: false })) break;
        }
      }
    }),
  );

  const samples = new Map<string, Sample[]>();
  for (const b of buckets) {
    for (const s of b.samples) {
      const list = samples.get(s.operation.id) ?? [];
      list.push(s);
      samples.set(s.operation.id, list);
    }
  }
  const resources = ownedResources(schema, users, buckets.flatMap((b) => b.observations), viewer);
  o.log?.('graphql explored', { samples: [...samples.values()].reduce((n, l) => n + l.length, 0), resources: resources.length });
  return { samples, resources };
}

/** Runs one root field as one identity, pruning fields the server refuses, and records the result. */
class FieldRunner {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly api: GraphqlApi,
    private readonly transport: GraphqlTransport,
  ) {}

  async field(
    bucket: Bucket,
    kind: RootKind,
    field: GqlField,
    args: Readonly<Record<string, unknown>>,
    how: { listing: boolean; viewer: boolean; created: boolean },
  ): Promise<boolean> {
    const operation = operationById(this.api, operationIdOf(this.schema, kind, field));
    if (operation === undefined) return false;
    let selection: SelNode[] | undefined = selectionFor(field.type, { depth: 3, maxFields: 80 });
    // A mutation runs once: no pruning retries (they would run it again).
    const attempts = kind === 'mutation' ? 1 : 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const op = buildOperation(kind, field, args, selection);
      const { request, exchange, result } = await this.transport.send(op, bucket.identity, kind);
      if (result === null || exchange.response === null) return false;
      const nested = result.errors
        .filter((e) => e.path !== undefined && e.path.length > 1 && e.path[0] === field.name)
        .map((e) => (e.path ?? []).slice(1).filter((p): p is string => typeof p === 'string'));
      const general = result.errors.filter((e) => e.path === undefined || e.path.length === 0);
      const value = result.data?.[field.name];
      if (nested.length > 0 && selection !== undefined && attempt + 1 < attempts) {
        selection = pruneSelection(selection, nested);
        continue;
      }
      if (general.length > 0 && result.data === undefined && selection !== undefined && attempt + 1 < attempts) {
        // Rejected before execution (a field the server does not allow in a selection): plain fields only.
        selection = leafSelection(field.type);
        continue;
      }
      if (value === undefined || value === null || exchange.response.status >= 300) return false;
      this.record(bucket, operation, field, args, request, exchange, value, how);
      return true;
    }
    return false;
  }

  private record(
    bucket: Bucket,
    operation: ApiOperation,
    field: GqlField,
    args: Readonly<Record<string, unknown>>,
    request: Sample['request'],
    exchange: Sample['exchange'],
    value: unknown,
    how: { listing: boolean; viewer: boolean; created: boolean },
  ): void {
    const pathValues: Record<string, string> = {};
    for (const [k, v] of Object.entries(args)) pathValues[k] = typeof v === 'string' ? v : JSON.stringify(v);
    bucket.samples.push({ operation, user: bucket.identity, request, exchange, pathValues, json: parseJsonText(exchange.response?.body ?? '') });
    for (const obj of objectsIn(this.schema, field.type, value, field.name)) {
      bucket.learn(obj);
      bucket.observations.push({
        identity: bucket.identity,
        listing: how.listing,
        viewer: how.viewer && obj.path.length <= 2,
        created: how.created && obj.path.length === 1,
        obj,
      });
    }
  }
}

/**
 * Who owns which object. A strong claim: the user created it, reached it through the viewer field
 * (`me`, `me.orders`), or the object names the user as its owner (`owner { id }`, `userId`). Without
 * one, the only non-administrator who lists the object owns it. Conflicting claims: no owner.
 */
function ownedResources(schema: GraphQLSchema, users: readonly ScanUser[], observations: readonly Observation[], viewer: GqlField | null): KnownResource[] {
  const admins = new Set(users.filter((u) => u.role === 'admin').map((u) => u.name));
  const viewerType = viewer === null ? null : getNamedType(viewer.type).name;
  const userByViewerId = new Map<string, string>();
  for (const ob of observations) {
    if (ob.identity !== null && ob.viewer && ob.obj.path.length === 1 && ob.obj.id !== null && ob.obj.typeName === viewerType) {
      userByViewerId.set(ob.obj.id, ob.identity);
    }
  }
  const strong = new Map<string, Set<string>>();
  const listedBy = new Map<string, Set<string>>();
  const fields = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();
  const typeOf = new Map<string, { typeName: string; id: string }>();
  const add = (m: Map<string, Set<string>>, key: string, user: string): void => {
    let s = m.get(key);
    if (s === undefined) m.set(key, (s = new Set()));
    s.add(user);
  };
  for (const ob of observations) {
    const { obj } = ob;
    if (obj.id === null) continue;
    const key = objectKey(obj.typeName, obj.id);
    typeOf.set(key, { typeName: obj.typeName, id: obj.id });
    if (ob.identity !== null) {
      let byUser = fields.get(key);
      if (byUser === undefined) fields.set(key, (byUser = new Map()));
      if (!byUser.has(ob.identity)) byUser.set(ob.identity, obj.fields);
      if (ob.created || ob.viewer) add(strong, key, ob.identity);
      // Only what a listing returns itself (`orders`), not what hangs below it (`orders.product`).
      if (ob.listing && !ob.viewer && obj.path.length === 1) add(listedBy, key, ob.identity);
    }
    for (const f of OWNER_ID_FIELDS) {
      const v = obj.fields[f];
      const owner = typeof v === 'string' || typeof v === 'number' ? userByViewerId.get(String(v)) : undefined;
      if (owner !== undefined) add(strong, key, owner);
    }
    for (const f of OWNER_REF_FIELDS) {
      const ref = obj.refs[f];
      const owner = ref !== undefined && ref.typeName === viewerType ? userByViewerId.get(ref.id) : undefined;
      if (owner !== undefined) add(strong, key, owner);
    }
  }
  const out: KnownResource[] = [];
  for (const [key, t] of typeOf) {
    let owner: string | undefined;
    const claims = strong.get(key);
    if (claims !== undefined) {
      if (claims.size === 1) owner = [...claims][0];
    } else {
      const seers = [...(listedBy.get(key) ?? [])];
      const plain = seers.filter((u) => !admins.has(u));
      if (plain.length === 1) owner = plain[0];
      else if (plain.length === 0 && seers.length === 1) owner = seers[0];
    }
    if (owner === undefined) continue;
    const itemPath = itemOperation(schema, t.typeName);
    out.push({
      owner,
      collection: t.typeName,
      id: t.id,
      ...(itemPath !== undefined ? { itemPath } : {}),
      fields: fields.get(key)?.get(owner) ?? fields.get(key)?.values().next().value ?? {},
    });
  }
  return out;
}

/** The query field that reads one object of this type by id (`Query.order`). */
export function itemOperation(schema: GraphQLSchema, typeName: string): string | undefined {
  for (const f of rootFields(schema, 'query')) {
    const req = requiredArgs(f);
    const only = req[0];
    if (req.length !== 1 || only === undefined || !isIdArg(only) || getNamedType(f.type).name !== typeName) continue;
    if (idTargetType(schema, f, only) === typeName) return operationIdOf(schema, 'query', f);
  }
  return undefined;
}

