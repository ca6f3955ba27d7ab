import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HerdError, parseYamlDocuments, validateYamlDoc, yOptString, yOptStringList, yString } from '../core/index.js';
import { emptyDependencies, HUB_ITEM_TYPES, type HubDependencies } from './hub-index.js';

/**
 * What hub management needs from an item's YAML: that it parses (an error names the file, the line
 * and the reason), the data files it asks for (`data:` entries with `source_url` and `dest_file`,
 * in any document of the file), and, for a collection, the items it lists.
 */

export interface DataEntry {
  sourceUrl: string;
  destFile: string;
}

export interface ItemFile {
  data: DataEntry[];
  /** What a collection file lists (null for other types). */
  dependencies: HubDependencies | null;
}

const dataEntry = z.looseObject({ source_url: yOptString(), dest_file: yString() });
const itemDoc = z.looseObject({ data: z.preprocess((v) => (v === null ? undefined : v), z.array(dataEntry).optional()) });
const collectionDoc = z.looseObject(Object.fromEntries(HUB_ITEM_TYPES.map((t) => [t, yOptStringList()])));

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function validated<T>(schema: z.ZodType<T>, doc: Parameters<typeof validateYamlDoc>[1], where: string, what: string): T {
  try {
    return validateYamlDoc(schema, doc, where, what);
  } catch (err) {
    if (err instanceof HerdError) throw new HerdError('HERD_HUB_ITEM_INVALID', err.message, { cause: err });
    throw err;
  }
}

/** Reads an item file; `where` names it (path or URL) in errors, `what` is the item (`parsers:a/b`). */
export function readItemFile(bytes: Uint8Array | string, where: string, what: string, isCollection: boolean): ItemFile {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  const docs = parseYamlDocuments(text, where);
  const data: DataEntry[] = [];
  const seen = new Set<string>();
  for (const doc of docs) {
    if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
      throw new HerdError('HERD_HUB_ITEM_INVALID', `${what}: a document of an item file must be a map of keys`, { where: `${where}:${doc.line}` });
    }
    const v = validated(itemDoc, doc, where, what);
    for (const e of v.data ?? []) {
      // An entry without source_url names a file the user provides; nothing to fetch.
      if (!e.source_url || seen.has(e.dest_file)) continue;
      seen.add(e.dest_file);
      data.push({ sourceUrl: e.source_url, destFile: e.dest_file });
    }
  }
  let dependencies: HubDependencies | null = null;
  if (isCollection) {
    dependencies = emptyDependencies();
    const first = docs[0];
    if (first) {
      const v = validated(collectionDoc, first, where, what) as Record<string, string[] | undefined>;
      for (const t of HUB_ITEM_TYPES) dependencies[t] = v[t] ?? [];
    }
  }
  return { data, dependencies };
}
