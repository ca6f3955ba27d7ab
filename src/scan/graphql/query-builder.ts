/**
 * Operations built from the schema: a selection set of a type's plain fields (nested objects to a
 * small depth, never a type already on the path, bounded in size), the arguments as variables
 * (`query Q($id: ID!) { order(id: $id) { … } }`), and pruning of fields the server refused.
 */
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import { requiredArgs, type GqlField, type RootKind } from './schema-tools.js';
import type { GqlPayload } from './transport.js';

/** One field of a selection set (or an inline fragment when `on` is set). */
export interface SelNode {
  readonly name: string;
  readonly children?: readonly SelNode[];
  /** `... on Type { children }`. */
  readonly on?: string;
  /** `alias: name`. */
  readonly alias?: string;
  /** Literal arguments (`(first: 1)`), already printed. */
  readonly args?: string;
}

export interface SelectionOptions {
  /** Object levels below the field (1: its plain fields only). */
  readonly depth?: number;
  /** Most fields in the whole selection. */
  readonly maxFields?: number;
  /** Add `__typename` to every object (the explorer reads the type of what comes back). */
  readonly typename?: boolean;
  /** Leave out fields for which this says true. */
  readonly skip?: (typeName: string, fieldName: string) => boolean;
}

/**
 * The selection for a field of this type, or undefined for a leaf type (no selection). Breadth
 * first: every level's leaf fields come before deeper objects, so the size bound cuts depth first.
 */
export function selectionFor(type: GraphQLOutputType | GraphQLNamedType, options: SelectionOptions = {}): SelNode[] | undefined {
  const named = getNamedType(type);
  if (isLeafType(named)) return undefined;
  const budget = { left: options.maxFields ?? 120 };
  return selectionOf(named, options.depth ?? 2, new Set([named.name]), options, budget);
}

function selectionOf(
  type: GraphQLNamedType,
  depth: number,
  path: Set<string>,
  o: SelectionOptions,
  budget: { left: number },
): SelNode[] {
  const nodes: SelNode[] = [];
  if (o.typename !== false) nodes.push({ name: '__typename' });
  if (isUnionType(type)) {
    for (const member of type.getTypes()) {
      const leaves = leafNodes(member, o, budget);
      if (leaves.length > 0) nodes.push({ name: '', on: member.name, children: leaves });
    }
    return nodes;
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return nodes;
  nodes.push(...leafNodes(type, o, budget));
  if (depth <= 1) return nodes;
  for (const f of Object.values(type.getFields())) {
    if (budget.left <= 0) break;
    const t = getNamedType(f.type);
    if (isLeafType(t) || requiredArgs(f).length > 0 || path.has(t.name) || o.skip?.(type.name, f.name) === true) continue;
    budget.left -= 1;
    path.add(t.name);
    const children = selectionOf(t, depth - 1, path, o, budget);
    path.delete(t.name);
    if (children.length > 0) nodes.push({ name: f.name, children });
  }
  return nodes;
}

function leafNodes(type: GraphQLNamedType, o: SelectionOptions, budget: { left: number }): SelNode[] {
  if (!isObjectType(type) && !isInterfaceType(type)) return [];
  const out: SelNode[] = [];
  for (const f of Object.values(type.getFields())) {
    if (budget.left <= 0) break;
    if (!isLeafType(getNamedType(f.type)) || requiredArgs(f).length > 0 || o.skip?.(type.name, f.name) === true) continue;
    budget.left -= 1;
    out.push({ name: f.name });
  }
  return out;
}

/** Only the plain fields of the type (and `__typename`): what object comparisons need. */
export function leafSelection(type: GraphQLOutputType | GraphQLNamedType, typename = true): SelNode[] | undefined {
  return selectionFor(type, { depth: 1, typename });
}

export function printSelection(nodes: readonly SelNode[]): string {
  return `{ ${nodes
    .map((n) => {
      if (n.on !== undefined) return `... on ${n.on} ${printSelection(n.children ?? [])}`;
      const head = `${n.alias !== undefined ? `${n.alias}: ` : ''}${n.name}${n.args ?? ''}`;
      return n.children !== undefined && n.children.length > 0 ? `${head} ${printSelection(n.children)}` : head;
    })
    .join(' ')} }`;
}

/**
 * Removes the fields at these paths (field names from the root field's value down, list indexes
 * left out). A path of only the root field removes nothing (there is nothing left to ask).
 */
export function pruneSelection(nodes: readonly SelNode[], paths: readonly (readonly string[])[]): SelNode[] {
  const own = paths.filter((p) => p.length === 1).map((p) => p[0]);
  const out: SelNode[] = [];
  for (const n of nodes) {
    const key = n.alias ?? n.name;
    if (n.on === undefined && own.includes(key) && key !== '__typename') continue;
    if (n.children !== undefined) {
      const below = n.on !== undefined ? paths : paths.filter((p) => p.length > 1 && p[0] === key).map((p) => p.slice(1));
      const children = below.length > 0 ? pruneSelection(n.children, below) : [...n.children];
      // An object left with nothing but __typename still tells its type: keep it.
      out.push({ ...n, children });
    } else out.push(n);
  }
  return out;
}

export interface BuiltOperation extends GqlPayload {
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string;
  readonly kind: RootKind;
  readonly field: string;
}

/**
 * `query HerdOrder($id: ID!) { order(id: $id) { … } }` with `{id: …}` as variables. Arguments not
 * given are left out (the server's defaults apply); `selection` is required for composite types.
 */
export function buildOperation(
  kind: RootKind,
  field: GqlField,
  args: Readonly<Record<string, unknown>>,
  selection: readonly SelNode[] | undefined,
  options: { readonly alias?: string; readonly name?: string } = {},
): BuiltOperation {
  const defs: string[] = [];
  const uses: string[] = [];
  const variables: Record<string, unknown> = {};
  for (const arg of field.args) {
    if (!(arg.name in args)) continue;
    defs.push(`$${arg.name}: ${String(arg.type)}`);
    uses.push(`${arg.name}: $${arg.name}`);
    variables[arg.name] = args[arg.name];
  }
  const operationName = options.name ?? `Herd${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}`;
  const head = `${options.alias !== undefined ? `${options.alias}: ` : ''}${field.name}${uses.length > 0 ? `(${uses.join(', ')})` : ''}`;
  const body = selection !== undefined && selection.length > 0 ? `${head} ${printSelection(selection)}` : head;
  const query = `${kind} ${operationName}${defs.length > 0 ? `(${defs.join(', ')})` : ''} { ${body} }`;
  return { query, variables, operationName, kind, field: field.name };
}
