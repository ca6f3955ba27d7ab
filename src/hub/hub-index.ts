import { z } from 'zod';
import { HerdError } from '../core/index.js';

/**
 * The hub's `.index.json`, typed: for each item type, every item with its path in the hub, stage,
 * latest version, the sha256 of each known version, and (collections) the items it pulls. An item
 * the index describes badly (unsafe path, version without digest, …) is left out and named in
 * `problems`; the rest of the index stays usable. Nothing here touches the disk or the network.
 */

/** CrowdSec's order: the order dependencies are installed in (collections last). */
export const HUB_ITEM_TYPES = ['parsers', 'postoverflows', 'scenarios', 'contexts', 'appsec-configs', 'appsec-rules', 'collections'] as const;
export type HubItemType = (typeof HUB_ITEM_TYPES)[number];

/** AppSec (WAF) content: listed by the hub, not run by herd. */
const APPSEC_TYPES: ReadonlySet<HubItemType> = new Set(['appsec-configs', 'appsec-rules']);

export function isHubItemType(s: string): s is HubItemType {
  return (HUB_ITEM_TYPES as readonly string[]).includes(s);
}

/** Whether herd installs and runs items of this type. */
export function isSupportedType(type: HubItemType): boolean {
  return !APPSEC_TYPES.has(type);
}

/** Types whose items live in a stage folder (`parsers/s01-parse/…`). */
export function hasStage(type: HubItemType): boolean {
  return type === 'parsers' || type === 'postoverflows';
}

export interface HubVersion {
  digest: string;
  deprecated: boolean;
}

export type HubDependencies = Record<HubItemType, readonly string[]>;

export interface HubRef {
  type: HubItemType;
  name: string;
}

export interface HubItem extends HubRef {
  /** `type:name`, as cscli prints it. */
  fqName: string;
  author: string;
  description: string;
  /** Path in the hub, relative to its root (`parsers/s01-parse/crowdsecurity/nginx-logs.yaml`). */
  path: string;
  /** `sNN-…` for parsers and postoverflows, null otherwise. */
  stage: string | null;
  /** The latest version. */
  version: string;
  versions: Readonly<Record<string, HubVersion>>;
  /** Items a collection pulls (empty lists for other types). */
  dependencies: HubDependencies;
  supported: boolean;
}

export function fqName(ref: HubRef): string {
  return `${ref.type}:${ref.name}`;
}

/** `author/name`: letters, digits, `_`, `.`, `-`, and no `..` anywhere. */
const ITEM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\/[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const STAGE = /^s\d\d-[A-Za-z0-9_-]+$/;
const DIGEST = /^[0-9a-f]{64}$/;

const depList = z.array(z.string()).nullish();
const itemSchema = z.object({
  path: z.string(),
  version: z.string(),
  versions: z.record(z.string(), z.object({ digest: z.string(), deprecated: z.boolean().nullish() })),
  stage: z.string().nullish(),
  author: z.string().nullish(),
  description: z.string().nullish(),
  parsers: depList,
  postoverflows: depList,
  scenarios: depList,
  contexts: depList,
  'appsec-configs': depList,
  'appsec-rules': depList,
  collections: depList,
});

export function emptyDependencies(): HubDependencies {
  return { parsers: [], postoverflows: [], scenarios: [], contexts: [], 'appsec-configs': [], 'appsec-rules': [], collections: [] };
}

/** Compares hub versions ("0.10" > "0.9"): numerically part by part, text where a part is not a number. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.');
  const pb = b.replace(/^v/, '').split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

export interface Closure {
  /** The item and everything it pulls, dependencies before the items needing them (the item last). */
  items: HubItem[];
  /** Names a collection lists that the index does not have. */
  missing: { ref: HubRef; requiredBy: string }[];
}

export class HubIndex {
  private readonly byType = new Map<HubItemType, Map<string, HubItem>>();

  constructor(
    items: readonly HubItem[],
    /** Items left out, each with the reason. */
    readonly problems: readonly string[] = [],
  ) {
    for (const t of HUB_ITEM_TYPES) this.byType.set(t, new Map());
    for (const it of [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) this.byType.get(it.type)!.set(it.name, it);
  }

  get(type: HubItemType, name: string): HubItem | undefined {
    return this.byType.get(type)!.get(name);
  }

  /** Items of a type, by name. */
  items(type: HubItemType): HubItem[] {
    return [...this.byType.get(type)!.values()];
  }

  all(): HubItem[] {
    return HUB_ITEM_TYPES.flatMap((t) => this.items(t));
  }

  /** Items of any type with this name (a name alone may be ambiguous). */
  named(name: string): HubItem[] {
    return HUB_ITEM_TYPES.map((t) => this.get(t, name)).filter((it): it is HubItem => it !== undefined);
  }

  /** Collections that list the item directly. */
  parentsOf(ref: HubRef): HubItem[] {
    return this.items('collections').filter((c) => c.dependencies[ref.type].includes(ref.name));
  }

  /** Everything an item pulls, once each, dependencies first; safe against collections that include each other. */
  closure(type: HubItemType, name: string): Closure {
    const root = this.get(type, name);
    if (!root) throw new HerdError('HERD_HUB_UNKNOWN_ITEM', `${type}:${name} is not in the hub index; see herd hub list --all`);
    const out: HubItem[] = [];
    const missing: Closure['missing'] = [];
    const seen = new Set<string>();
    const visit = (it: HubItem) => {
      if (seen.has(it.fqName)) return;
      seen.add(it.fqName);
      for (const t of HUB_ITEM_TYPES) {
        for (const dep of it.dependencies[t]) {
          const sub = this.get(t, dep);
          if (sub) visit(sub);
          else missing.push({ ref: { type: t, name: dep }, requiredBy: it.fqName });
        }
      }
      out.push(it);
    };
    visit(root);
    return { items: out, missing };
  }
}

/** One item of the index, checked; a string says why it is left out. */
function hubItemOf(type: HubItemType, name: string, raw: unknown): HubItem | string {
  const where = `${type}:${name}`;
  if (!ITEM_NAME.test(name) || name.includes('..')) return `${where}: the name is not author/name`;
  const r = itemSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return `${where}: ${issue.path.join('.') || 'item'}: ${issue.message}`;
  }
  const v = r.data;
  const stage = hasStage(type) ? (v.stage ?? null) : null;
  if (hasStage(type) && (!stage || !STAGE.test(stage))) return `${where}: stage '${v.stage ?? ''}' is not sNN-name`;
  const expected = `${type}/${stage ? stage + '/' : ''}${name}`;
  if (v.path !== `${expected}.yaml` && v.path !== `${expected}.yml`) return `${where}: path '${v.path}' is not ${expected}.yaml`;
  const versions: Record<string, HubVersion> = {};
  for (const [ver, info] of Object.entries(v.versions)) {
    if (!DIGEST.test(info.digest)) return `${where}: version ${ver} has no sha256 digest`;
    versions[ver] = { digest: info.digest, deprecated: info.deprecated === true };
  }
  if (!versions[v.version]) return `${where}: latest version ${v.version} is not among its versions`;
  const dependencies = emptyDependencies();
  if (type === 'collections') {
    for (const t of HUB_ITEM_TYPES) {
      const list = v[t] ?? [];
      const bad = list.find((n) => !ITEM_NAME.test(n) || n.includes('..'));
      if (bad !== undefined) return `${where}: ${t} lists '${bad}', which is not author/name`;
      dependencies[t] = list;
    }
  }
  return {
    type,
    name,
    fqName: where,
    author: v.author ?? name.slice(0, name.indexOf('/')),
    description: v.description ?? '',
    path: v.path,
    stage,
    version: v.version,
    versions,
    dependencies,
    supported: isSupportedType(type),
  };
}

/**
 * Reads `.index.json` text. `where` names it in errors (a file or a URL). Invalid JSON or a shape
 * that is not an index throws; a bad item is left out and named in `problems`; item types herd does
 * not know are ignored.
 */
export function loadHubIndex(text: string, where: string): HubIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HerdError('HERD_HUB_INDEX', `the hub index is not valid JSON (${(err as Error).message}); fetch it again with herd hub update`, { where });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HerdError('HERD_HUB_INDEX', 'the hub index must be a JSON object of item types (parsers, scenarios, collections, …)', { where });
  }
  const items: HubItem[] = [];
  const problems: string[] = [];
  const record = raw as Record<string, unknown>;
  for (const type of HUB_ITEM_TYPES) {
    const group = record[type];
    if (group === undefined || group === null) continue;
    if (typeof group !== 'object' || Array.isArray(group)) {
      throw new HerdError('HERD_HUB_INDEX', `'${type}' must be an object of items by name`, { where });
    }
    for (const [name, value] of Object.entries(group as Record<string, unknown>)) {
      const it = hubItemOf(type, name, value);
      if (typeof it === 'string') problems.push(it);
      else items.push(it);
    }
  }
  return new HubIndex(items, problems);
}
