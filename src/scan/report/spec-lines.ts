/**
 * Where a finding's location sits in the API description's text, so SARIF can place a code
 * scanning alert on the operation's line instead of line 1. OpenAPI 3 / Swagger 2 (YAML or JSON,
 * both read by `yaml` with source offsets): `METHOD /path` is the method key under `paths`, else the
 * path key. GraphQL SDL: `Type.field` is the field's definition, `Type` the type's. The description
 * is outside input: text that does not parse gives a locator that places nothing, never a throw.
 */
import { Kind, OperationTypeNode, parse as parseGraphql, type DocumentNode, type Location } from 'graphql';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';

/** The 1-based line of a finding's location in the description, or undefined when it has none. */
export type SpecLocator = (location: string) => number | undefined;

const NOWHERE: SpecLocator = () => undefined;

/** HTTP methods OpenAPI allows as path item keys (lower case there, upper case in locations). */
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** `$ref` chains followed before giving up: a cycle must not loop, a sane description needs one or two. */
const MAX_REF_HOPS = 16;

/** A bound on GraphQL tokens, so an enormous SDL costs bounded work (graphql-js counts as it lexes). */
const MAX_GRAPHQL_TOKENS = 2_000_000;

/**
 * A locator over the description's text (OpenAPI 3 / Swagger 2 in YAML or JSON, or GraphQL SDL,
 * told apart by their content). Never throws; unknown locations answer undefined.
 */
export function specLocator(text: string): SpecLocator {
  try {
    return openApiLocator(text) ?? graphqlLocator(text) ?? NOWHERE;
  } catch {
    // A parser bug or a stack overflow on deep nesting: the report still gets line 1.
    return NOWHERE;
  }
}

// ---------------------------------------------------------------------------------------------
// OpenAPI / Swagger

/** Non-null when the text is a YAML or JSON mapping with `openapi`, `swagger` or `paths`. */
function openApiLocator(text: string): SpecLocator | undefined {
  const lineCounter = new LineCounter();
  // uniqueKeys off: JSON.parse (which the loader uses for JSON) keeps the last duplicate key; so do we.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const root = doc.contents;
  if (!['openapi', 'swagger', 'paths'].some((k) => pairOf(root, k) !== undefined)) return undefined;

  const lineOf = (node: YamlNode | null | undefined): number | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const operations = new Map<string, number>();
  const pathLines = new Map<string, number>();
  const paths = deref(doc, valueOf(doc, pairOf(root, 'paths')));
  if (isMap(paths)) {
    // A duplicate path key: the last one is the path item, as with JSON.parse.
    const items = new Map<string, Pair>();
    for (const pair of paths.items) {
      const path = keyText(pair);
      if (path !== undefined) items.set(path, pair);
    }
    for (const [path, pair] of items) {
      const keyLine = lineOf(pair.key as YamlNode);
      if (keyLine !== undefined) pathLines.set(path, keyLine);
      for (const [method, line] of methodLines(doc, valueOf(doc, pair), lineOf)) operations.set(`${method} ${path}`, line);
    }
  }
  const bases = basePathsOf(doc, root);

  const lookup = (method: string | undefined, path: string): number | undefined =>
    (method !== undefined ? operations.get(`${method} ${path}`) : undefined) ?? pathLines.get(path);

  return (location: string): number | undefined => {
    if (typeof location !== 'string') return undefined;
    // `METHOD /path` (the path exactly as a `paths` key), or a bare `/path`.
    const m = /^([A-Za-z]+) (\/.*)$/s.exec(location);
    const method = m?.[1]?.toUpperCase();
    const path = m?.[2] ?? (location.startsWith('/') ? location : undefined);
    if (path === undefined) return undefined;
    const direct = lookup(method, path);
    if (direct !== undefined) return direct;
    // Server-side checks name paths from the origin (`GET /api/metrics`); `paths` keys are under the base path.
    for (const base of bases) {
      if (path.startsWith(`${base}/`)) {
        const found = lookup(method, path.slice(base.length));
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
}

/** Method keys of a path item (following its `$ref`s), upper-cased, with their lines. */
function methodLines(doc: Document, item: YamlNode | null, lineOf: (n: YamlNode) => number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const exact = new Set<string>();
  let node = isAlias(item) ? deref(doc, item) : item;
  for (let hop = 0; hop <= MAX_REF_HOPS && isMap(node); hop++) {
    for (const pair of node.items) {
      const key = keyText(pair);
      if (key === undefined || !METHODS.has(key.toLowerCase())) continue;
      const method = key.toUpperCase();
      const line = lineOf(pair.key as YamlNode);
      if (line === undefined) continue;
      // OpenAPI's keys are lower case; another case is a fallback the right one overrides.
      const isExact = key === key.toLowerCase();
      if (exact.has(method) || (out.has(method) && !isExact)) continue;
      out.set(method, line);
      if (isExact) exact.add(method);
    }
    // Keys next to a `$ref` come first; the referenced item adds what they do not name.
    const ref = valueOf(doc, pairOf(node, '$ref'));
    node = isScalar(ref) && typeof ref.value === 'string' ? pointer(doc, ref.value) : undefined;
  }
  return out;
}

/** The node a local JSON pointer (`#/components/pathItems/Users`) names, else undefined. */
function pointer(doc: Document, ref: string): YamlNode | undefined {
  if (!ref.startsWith('#')) return undefined; // an external file: not in this text
  let node: YamlNode | null | undefined = doc.contents as YamlNode | null;
  if (ref === '#' || ref === '#/') return node ?? undefined;
  if (!ref.startsWith('#/')) return undefined;
  for (const raw of ref.slice(2).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    node = deref(doc, node);
    if (isMap(node)) node = valueOf(doc, pairOf(node, segment));
    else if (isSeq(node) && /^\d+$/.test(segment)) node = node.items[Number(segment)] as YamlNode | undefined;
    else return undefined;
  }
  return deref(doc, node) ?? undefined;
}

/** An alias resolved to its anchor (aliases of aliases too), without expanding anything. */
function deref(doc: Document, node: YamlNode | null | undefined): YamlNode | null | undefined {
  let n = node;
  for (let hop = 0; hop <= MAX_REF_HOPS && isAlias(n); hop++) n = n.resolve(doc) as YamlNode | undefined;
  return isAlias(n) ? undefined : n;
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  return isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number') ? String(key.value) : undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  // The last duplicate wins, as with JSON.parse.
  for (const pair of (map as YAMLMap<unknown, unknown>).items) if (keyText(pair as Pair) === key) found = pair as Pair;
  return found;
}

function valueOf(doc: Document, pair: Pair | undefined): YamlNode | null {
  return (deref(doc, pair?.value as YamlNode | null | undefined) ?? null) as YamlNode | null;
}

/** Path prefixes of the API's base URL(s): Swagger 2's `basePath`, OpenAPI 3's `servers[].url`. */
function basePathsOf(doc: Document, root: YAMLMap): string[] {
  const out = new Set<string>();
  const add = (url: unknown): void => {
    if (typeof url !== 'string') return;
    let path: string;
    try {
      path = new URL(url, 'http://base.invalid').pathname;
    } catch {
      return;
    }
    const trimmed = path.replace(/\/+$/, '');
    if (trimmed !== '') out.add(trimmed);
  };
  const basePath = valueOf(doc, pairOf(root, 'basePath'));
  if (isScalar(basePath)) add(basePath.value);
  const servers = valueOf(doc, pairOf(root, 'servers'));
  if (isSeq(servers)) {
    for (const s of servers.items) {
      const server = deref(doc, s as YamlNode);
      if (!isMap(server)) continue;
      const url = valueOf(doc, pairOf(server, 'url'));
      if (isScalar(url)) add(url.value);
    }
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// GraphQL SDL

function graphqlLocator(text: string): SpecLocator | undefined {
  let doc: DocumentNode;
  try {
    doc = parseGraphql(text, { maxTokens: MAX_GRAPHQL_TOKENS });
  } catch {
    return undefined;
  }
  const lineOf = (loc: Location | undefined): number | undefined => loc?.startToken.line;
  /** `Type` and `Type.member` → line; a definition wins over an extension, the first over later ones. */
  const lines = new Map<string, number>();
  const fromDefinition = new Set<string>();
  const put = (key: string, line: number | undefined, isDefinition: boolean): void => {
    if (line === undefined || fromDefinition.has(key) || (lines.has(key) && !isDefinition)) return;
    lines.set(key, line);
    if (isDefinition) fromDefinition.add(key);
  };
  const roots = new Map<OperationTypeNode, string>();
  for (const def of doc.definitions) {
    switch (def.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION:
        for (const op of def.operationTypes ?? []) if (!roots.has(op.operation)) roots.set(op.operation, op.type.name.value);
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION: {
        const isDefinition = !def.kind.endsWith('Extension');
        put(def.name.value, lineOf(def.name.loc), isDefinition);
        for (const f of def.fields ?? []) put(`${def.name.value}.${f.name.value}`, lineOf(f.name.loc), isDefinition);
        break;
      }
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION: {
        const isDefinition = def.kind === Kind.ENUM_TYPE_DEFINITION;
        put(def.name.value, lineOf(def.name.loc), isDefinition);
        for (const v of def.values ?? []) put(`${def.name.value}.${v.name.value}`, lineOf(v.name.loc), isDefinition);
        break;
      }
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_DEFINITION:
        put(def.name.value, lineOf(def.name.loc), true);
        break;
      case Kind.UNION_TYPE_EXTENSION:
      case Kind.SCALAR_TYPE_EXTENSION:
        put(def.name.value, lineOf(def.name.loc), false);
        break;
      default:
        break;
    }
  }
  if (lines.size === 0) return undefined;
  // `schema { query: Root }`: a location may say `Query.user` for the field of `Root`.
  const defaultRoots = new Map<string, OperationTypeNode>([
    ['Query', OperationTypeNode.QUERY],
    ['Mutation', OperationTypeNode.MUTATION],
    ['Subscription', OperationTypeNode.SUBSCRIPTION],
  ]);
  const rootOf = (kind: OperationTypeNode): string => roots.get(kind) ?? (kind === OperationTypeNode.QUERY ? 'Query' : kind === OperationTypeNode.MUTATION ? 'Mutation' : 'Subscription');

  return (location: string): number | undefined => {
    if (typeof location !== 'string') return undefined;
    const m = /^([_A-Za-z][_0-9A-Za-z]*)(?:\.([_A-Za-z][_0-9A-Za-z]*))?$/.exec(location.trim());
    if (m === null) return undefined;
    const [, type, member] = m as unknown as [string, string, string | undefined];
    if (member === undefined) {
      // A bare name: a type, else a field of the query or mutation root.
      return lines.get(type) ?? lines.get(`${rootOf(OperationTypeNode.QUERY)}.${type}`) ?? lines.get(`${rootOf(OperationTypeNode.MUTATION)}.${type}`);
    }
    const direct = lines.get(`${type}.${member}`);
    if (direct !== undefined) return direct;
    const kind = defaultRoots.get(type);
    return kind !== undefined ? lines.get(`${rootOf(kind)}.${member}`) : undefined;
  };
}
