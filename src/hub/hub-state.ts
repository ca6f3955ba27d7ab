import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HerdError } from '../core/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { HUB_ITEM_TYPES, type HubRef, fqName } from './hub-index.js';
import type { HubPaths } from './hub-paths.js';

/**
 * `state.json`: what herd installed from the hub — each item's version and the sha256 of the file
 * as written (a later difference means the user edited it: "tainted"), whether the user named it or
 * a collection pulled it, and the data files it asked for; plus where the index last came from, so
 * `herd hub install` after `herd hub update --hub DIR` reads the same hub.
 */

const installedSchema = z.object({
  type: z.enum(HUB_ITEM_TYPES),
  name: z.string(),
  version: z.string(),
  digest: z.string(),
  path: z.string(),
  explicit: z.boolean(),
  data: z.array(z.string()),
  installedAt: z.string(),
});
export type InstalledItem = z.infer<typeof installedSchema>;

const sourceSchema = z.union([z.object({ kind: z.literal('dir'), dir: z.string() }), z.object({ kind: z.literal('url'), url: z.string() })]);

const stateSchema = z.object({
  version: z.literal(1),
  source: sourceSchema.nullable(),
  items: z.record(z.string(), installedSchema),
});
export type HubState = z.infer<typeof stateSchema>;

export function emptyHubState(): HubState {
  return { version: 1, source: null, items: {} };
}

export function readHubState(paths: HubPaths): HubState {
  let text: string;
  try {
    text = readFileSync(paths.state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyHubState();
    throw new HerdError('HERD_HUB_STATE', `cannot read the hub state: ${(err as Error).message}`, { where: paths.state });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HerdError('HERD_HUB_STATE', `the hub state is not valid JSON (${(err as Error).message}); restore it, or delete it and install the items again`, { where: paths.state });
  }
  const r = stateSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new HerdError('HERD_HUB_STATE', `the hub state is not herd's (${issue.path.join('.') || 'file'}: ${issue.message}); restore it, or delete it and install the items again`, {
      where: paths.state,
    });
  }
  return r.data;
}

export function writeHubState(paths: HubPaths, state: HubState): void {
  const items: HubState['items'] = {};
  for (const k of Object.keys(state.items).sort()) items[k] = state.items[k]!;
  writeFileAtomic(paths.state, JSON.stringify({ ...state, items }, null, 2) + '\n');
}

export function installedOf(state: HubState, ref: HubRef): InstalledItem | undefined {
  return state.items[fqName(ref)];
}
