/**
 * What exploration's samples show about the data: the objects in each answer, who saw which object
 * through a listing (a query field without required arguments, such as `orders`), and the key that
 * names an object across answers (`Order:3`).
 */
import type { GraphQLSchema } from 'graphql';
import type { Sample } from '../check.js';
import type { ApiOperation } from '../model.js';
import { fieldOfOperation } from './schema-tools.js';
import { gqlResultOf } from './transport.js';
import { objectsIn, type SeenObject } from './walk.js';

export function objectKey(typeName: string, id: string): string {
  return `${typeName}:${id}`;
}

/** A query field that takes no required argument: what it returns is what the caller may list. */
export function isListingOperation(op: ApiOperation): boolean {
  return op.tags.includes('query') && op.parameters.every((p) => !p.required);
}

/** The objects of a sample's answer (empty when it is not a GraphQL answer of a known field). */
export function objectsOfSample(schema: GraphQLSchema, sample: Sample): SeenObject[] {
  const found = fieldOfOperation(schema, sample.operation.id);
  if (found === null) return [];
  const result = gqlResultOf(sample.json);
  const value = result?.data?.[found.field.name];
  if (value === undefined || value === null) return [];
  return objectsIn(schema, found.field.type, value, found.field.name);
}

/**
 * Who saw each object (`Order:3` → alice, null for no credentials) through listings: objects a user
 * lists are visible to them by design, whatever a by-id lookup would say.
 */
export function listingVisibility(schema: GraphQLSchema, samples: ReadonlyMap<string, readonly Sample[]>): Map<string, Set<string | null>> {
  const seen = new Map<string, Set<string | null>>();
  for (const list of samples.values()) {
    for (const s of list) {
      if (!isListingOperation(s.operation)) continue;
      for (const o of objectsOfSample(schema, s)) {
        if (o.id === null) continue;
        const key = objectKey(o.typeName, o.id);
        let set = seen.get(key);
        if (set === undefined) seen.set(key, (set = new Set()));
        set.add(s.user);
      }
    }
  }
  return seen;
}
