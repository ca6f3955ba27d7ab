/**
 * What the fixed variant adds around graphql-js: validation rules (no introspection, a depth limit,
 * an alias limit, a directive limit, a field-count limit) and error formatting (no suggestions, no stack traces, unexpected errors masked).
 * The vulnerable variant uses graphql-js's defaults and formats errors like a server left in debug
 * mode (Apollo's `extensions.exception.stacktrace`).
 */
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { TargetVariant } from '../types.js';
import { ClientError } from './resolvers.js';

export const MAX_DEPTH = 7;
export const MAX_ALIASES = 15;
export const MAX_DIRECTIVES = 20;
export const MAX_FIELDS = 200;

/**
 * The depth of a selection set: `{ me { id } }` is 2. Fragments are measured once each (memo), and a
 * fragment cycle (reported by graphql-js's own rule) is cut instead of followed.
 */
function depthOf(
  set: SelectionSetNode,
  context: ValidationContext,
  memo: Map<string, number>,
  visiting: Set<string>,
): number {
  let max = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const below = selection.selectionSet === undefined ? 0 : depthOf(selection.selectionSet, context, memo, visiting);
      max = Math.max(max, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(selection.selectionSet, context, memo, visiting));
    } else {
      const name = selection.name.value;
      let depth = memo.get(name);
      if (depth === undefined) {
        const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
        if (fragment === null || fragment === undefined || visiting.has(name)) continue;
        visiting.add(name);
        depth = depthOf(fragment.selectionSet, context, memo, visiting);
        visiting.delete(name);
        memo.set(name, depth);
      }
      max = Math.max(max, depth);
    }
  }
  return max;
}

/** Rejects operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const memo = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, context, memo, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the maximum depth of ${maxDepth}.`, { nodes: node }),
          );
        }
      },
    };
  };
}

/** Rejects documents with more than `maxAliases` aliased fields. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias !== undefined) aliases += 1;
      },
      Document: {
        leave(node) {
          if (aliases > maxAliases) {
            context.reportError(
              new GraphQLError(`The query uses ${aliases} aliases; at most ${maxAliases} are allowed.`, { nodes: node }),
            );
          }
        },
      },
    };
  };
}

/** Rejects documents with more than `max` nodes of a kind (directives, fields), with one error. */
export function countLimitRule(kind: 'Directive' | 'Field', max: number, what: string): ValidationRule {
  return (context) => {
    let count = 0;
    return {
      [kind]() {
        count += 1;
      },
      Document: {
        leave(node) {
          if (count > max) context.reportError(new GraphQLError(`The query has ${count} ${what}; the limit is ${max}.`, { nodes: node }));
        },
      },
    };
  };
}

export function validationRules(variant: TargetVariant): readonly ValidationRule[] {
  if (variant === 'vulnerable') return specifiedRules;
  return [
    ...specifiedRules,
    NoSchemaIntrospectionCustomRule,
    depthLimitRule(MAX_DEPTH),
    aliasLimitRule(MAX_ALIASES),
    countLimitRule('Directive', MAX_DIRECTIVES, 'directives'),
    countLimitRule('Field', MAX_FIELDS, 'fields'),
  ];
}

/** An error as it goes out in a GraphQL response. */
export interface WireError {
  readonly message: string;
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** graphql-js appends `Did you mean "x"?` to many messages; that discloses the schema. */
function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

function codeOf(error: GraphQLError, phase: 'request' | 'execution'): string {
  const original = error.originalError;
  if (original instanceof ClientError) return original.code;
  if (original === undefined || original instanceof GraphQLError) {
    return phase === 'request' ? 'GRAPHQL_VALIDATION_FAILED' : 'BAD_USER_INPUT';
  }
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * `phase` is `request` for syntax and validation errors (before execution), `execution` for errors
 * raised while executing (resolvers, variable coercion).
 */
export function formatError(error: GraphQLError, variant: TargetVariant, phase: 'request' | 'execution'): WireError {
  const code = codeOf(error, phase);
  const where = {
    ...(error.locations !== undefined ? { locations: error.locations } : {}),
    ...(error.path !== undefined ? { path: error.path } : {}),
  };
  if (variant === 'vulnerable') {
    // graphql.debug-errors: every resolver error carries its stack trace (files and lines).
    const original = error.originalError;
    const exception =
      original !== undefined && !(original instanceof GraphQLError)
        ? { exception: { name: original.name, stacktrace: (original.stack ?? String(original)).split('\n') } }
        : {};
    return { message: error.message, ...where, extensions: { code, ...exception } };
  }
  // Fixed: unexpected errors become one generic message; others lose their suggestions.
  const message = code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : withoutSuggestions(error.message);
  return { message, ...where, extensions: { code } };
}

/** An error of the HTTP layer (bad body, wrong method), the same in both variants. */
export function httpError(message: string, code: string): WireError {
  return { message, extensions: { code } };
}
