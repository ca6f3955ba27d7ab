import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HerdError } from '../core/index.js';
import { withTempFile } from './atomic-file.js';
import { fetchBytes, fetchToFile } from './hub-fetch.js';
import type { HubItem } from './hub-index.js';
import { safeJoin } from './hub-paths.js';
import type { DataEntry } from './item-file.js';

/**
 * Where hub files come from: CrowdSec's hub over HTTP (`<url>/.index.json`, `<url>/<item path>`,
 * cscli's `https://hub-cdn.crowdsec.net/<branch>/<path>`), or a local directory laid out like the hub
 * repository. Data files (`data:` entries of items) come from their `source_url`, or from a local
 * mirror where `source_url` maps to `<dir>/<url path after the host>`.
 */

export type HubSource = { kind: 'dir'; dir: string } | { kind: 'url'; url: string };
export type DataSource = { kind: 'dir'; dir: string } | { kind: 'net' };

/** cscli's default: the CDN, branch `master`. */
export const DEFAULT_HUB_URL = 'https://hub-cdn.crowdsec.net/master';
export const INDEX_FILE = '.index.json';

const MAX_INDEX_BYTES = 64 * 1024 * 1024;
const MAX_ITEM_BYTES = 4 * 1024 * 1024;
const MAX_DATA_BYTES = 512 * 1024 * 1024;

/** Checks a hub URL (http or https) and drops trailing slashes. */
export function hubUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HerdError('HERD_HUB_URL', `'${url}' is not a URL; give the hub's base URL, e.g. ${DEFAULT_HUB_URL}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new HerdError('HERD_HUB_URL', `'${url}' is not an http(s) URL; give the hub's base URL, e.g. ${DEFAULT_HUB_URL}`);
  return url.replace(/\/+$/, '');
}

function urlOf(base: string, path: string): string {
  return `${base}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

const NET_HINT = 'check the network, or use a local copy of the hub with --hub DIR';

function readLocal(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HerdError('HERD_HUB_READ', `cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}; is --hub a copy of the hub repository?`, { where: path });
  }
}

/** The text of the index, and where it was read (for error messages). */
export async function readIndexText(s: HubSource, timeoutMs: number): Promise<{ text: string; where: string }> {
  if (s.kind === 'dir') {
    const where = join(s.dir, INDEX_FILE);
    return { text: readLocal(where, 'the hub index').toString('utf8'), where };
  }
  const where = urlOf(s.url, INDEX_FILE);
  const bytes = await fetchBytes(where, { timeoutMs, maxBytes: MAX_INDEX_BYTES, hint: NET_HINT });
  return { text: bytes.toString('utf8'), where };
}

/** An item's file as the hub serves it (not yet checked against its digest). */
export async function readItemBytes(s: HubSource, item: HubItem, timeoutMs: number): Promise<{ bytes: Buffer; where: string }> {
  if (s.kind === 'dir') {
    const where = safeJoin(s.dir, item.path, `${item.fqName}: path`);
    return { bytes: readLocal(where, `${item.fqName}`), where };
  }
  const where = urlOf(s.url, item.path);
  return { bytes: await fetchBytes(where, { timeoutMs, maxBytes: MAX_ITEM_BYTES, hint: NET_HINT }), where };
}

/** The file of a local data mirror that stands for `sourceUrl`: `<dir>/<url path after the host>`. */
export function mirrorPathOf(dir: string, sourceUrl: string): string {
  let u: URL;
  try {
    u = new URL(sourceUrl);
  } catch {
    throw new HerdError('HERD_HUB_DATA', `source_url '${sourceUrl}' is not a URL`);
  }
  let path: string;
  try {
    path = decodeURIComponent(u.pathname).replace(/^\/+/, '');
  } catch {
    throw new HerdError('HERD_HUB_DATA', `source_url '${sourceUrl}' has a malformed path`);
  }
  return safeJoin(dir, path, `source_url ${sourceUrl}: path`);
}

export type DataResult = 'downloaded' | 'copied' | 'present' | 'not-modified' | 'unchanged';

function sameFile(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  return readFileSync(a).equals(readFileSync(b));
}

/**
 * Puts one data file at `dest`. A file already there is kept unless `refresh` (then a download asks
 * the server whether it changed since, and a mirror copy is compared).
 */
export async function fetchDataFile(entry: DataEntry, dest: string, ds: DataSource, opts: { timeoutMs: number; refresh: boolean }): Promise<DataResult> {
  const present = existsSync(dest);
  if (present && !opts.refresh) return 'present';
  if (ds.kind === 'dir') {
    const src = mirrorPathOf(ds.dir, entry.sourceUrl);
    if (!existsSync(src)) {
      throw new HerdError('HERD_HUB_DATA', `data file ${entry.sourceUrl} is not in the data source: ${src} does not exist; add it to the mirror, or install without --data-source to download it`);
    }
    if (present && sameFile(src, dest)) return 'unchanged';
    await withTempFile(dest, async (tmp) => copyFileSync(src, tmp));
    return 'copied';
  }
  let url: URL;
  try {
    url = new URL(entry.sourceUrl);
  } catch {
    throw new HerdError('HERD_HUB_DATA', `source_url '${entry.sourceUrl}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HerdError('HERD_HUB_DATA', `source_url '${entry.sourceUrl}' is not an http(s) URL`);
  const r = await fetchToFile(url.href, dest, {
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_DATA_BYTES,
    hint: 'check the network, or copy the data files from a local mirror with --data-source DIR',
    ...(present ? { ifModifiedSince: statSync(dest).mtime } : {}),
  });
  return r;
}
