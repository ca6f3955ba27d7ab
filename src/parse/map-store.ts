/**
 * Stores of one constant key into one of the event's maps (`evt.Meta.http_path = value`), each a
 * function of its own. Parsers set a few dozen keys per line; written as `evt[field][key] = value`
 * in one shared function, every store goes through one site that sees every key and every map
 * shape (a megamorphic store, looked up in V8's stub cache each time). A function per static keeps
 * each site to one key and, line after line, one shape.
 */
import type { Event } from './event.js';

export type MapField = 'Parsed' | 'Meta' | 'Enriched' | 'Unmarshaled';
export type MapStore = (evt: Event, value: unknown) => true;

const cache = new Map<string, MapStore>();

export function mapStore(field: MapField, key: string): MapStore {
  const id = `${field}\u0000${key}`;
  let store = cache.get(id);
  if (store === undefined) {
    // The key is written as a JSON string literal, which is also a JavaScript string literal.
    store = new Function('evt', 'value', `'use strict';\nevt.${field}[${JSON.stringify(key)}] = value;\nreturn true;`) as MapStore;
    cache.set(id, store);
  }
  return store;
}
