import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { HerdError } from '../core/index.js';
import { tempPathFor, writeFileAtomic } from './atomic-file.js';
import { fetchBytes } from './hub-fetch.js';
import { loadHubIndex, type HubIndex } from './hub-index.js';
import type { HubPaths } from './hub-paths.js';
import { readIndexText, type HubSource } from './hub-source.js';
import { readHubState, writeHubState } from './hub-state.js';

/**
 * `herd hub update`: fetches the index (checked before it replaces the one in place) and the grok
 * pattern library hub parsers are written against. CrowdSec ships its patterns with the engine
 * (config/patterns of crowdsecurity/crowdsec), not in the hub, so they come from that repository, or
 * from a local directory. The library is swapped in whole: the old one stays until the new one is
 * complete.
 */

/** The files of config/patterns in crowdsecurity/crowdsec (there is no index of them to fetch). */
export const CROWDSEC_PATTERN_FILES = [
  'aws', 'bacula', 'bro', 'cowrie_honeypot', 'exim', 'firewalls', 'haproxy', 'java', 'junos', 'linux-syslog', 'mcollective', 'modsecurity',
  'mongodb', 'mysql', 'nagios', 'nginx', 'paths', 'postgresql', 'rails', 'redis', 'ruby', 'smb', 'ssh', 'tcpdump',
] as const;

export const DEFAULT_PATTERNS_URL = 'https://raw.githubusercontent.com/crowdsecurity/crowdsec/master/config/patterns';

const MAX_PATTERN_BYTES = 1024 * 1024;
/** A grok pattern line (`NAME regex`), as the pattern loader reads it. */
const PATTERN_LINE = /^[0-9A-Za-z_]+[\t ]+\S/m;
/** Files that sit in pattern folders without being patterns (the pattern loader skips them too). */
const NOT_PATTERNS = /^(LICENSE|README|COPYING)/i;

export type PatternSource = { kind: 'dir'; dir: string } | { kind: 'url'; url: string };

export interface UpdateOptions {
  paths: HubPaths;
  source: HubSource;
  timeoutMs: number;
  /** null: leave the pattern library as it is. */
  patterns: PatternSource | null;
}

export interface UpdateResult {
  index: { where: string; items: number; problems: readonly string[] };
  patterns: { where: string; files: string[] } | null;
}

export async function updateHub(opts: UpdateOptions): Promise<UpdateResult> {
  const { text, where } = await readIndexText(opts.source, opts.timeoutMs);
  const index = loadHubIndex(text, where);
  writeFileAtomic(opts.paths.index, text);
  rememberSource(opts.paths, opts.source);
  const patterns = opts.patterns ? await updatePatterns(opts.paths, opts.patterns, opts.timeoutMs) : null;
  return { index: { where, items: index.all().length, problems: index.problems }, patterns };
}

/** Records where the index came from, so later commands fetch items from the same hub. */
export function rememberSource(paths: HubPaths, source: HubSource): void {
  const state = readHubState(paths);
  state.source = source;
  writeHubState(paths, state);
}

/** The index in the data directory (from the last update). */
export function readSavedIndex(paths: HubPaths): HubIndex {
  let text: string;
  try {
    text = readFileSync(paths.index, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HerdError('HERD_HUB_NO_INDEX', `there is no hub index yet: run herd hub update (or pass --hub DIR, a local copy of the hub)`, { where: paths.index });
    }
    throw new HerdError('HERD_HUB_READ', `cannot read the hub index: ${(err as Error).message}`, { where: paths.index });
  }
  return loadHubIndex(text, paths.index);
}

function looksLikePatterns(text: string): boolean {
  return PATTERN_LINE.test(text);
}

/** Pattern files of a directory (recursive; dot-files skipped), relative to it. */
function filesUnder(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, base));
    else if (e.isFile()) out.push(relative(base, p));
  }
  return out.sort();
}

async function updatePatterns(paths: HubPaths, src: PatternSource, timeoutMs: number): Promise<{ where: string; files: string[] }> {
  const staging = tempPathFor(paths.patterns);
  mkdirSync(staging, { recursive: true });
  try {
    let files: string[];
    if (src.kind === 'dir') {
      if (!existsSync(src.dir) || !statSync(src.dir).isDirectory()) throw new HerdError('HERD_HUB_PATTERNS', `--patterns must be a directory of grok pattern files`, { where: src.dir });
      files = filesUnder(src.dir);
      let patternFiles = 0;
      for (const f of files) {
        mkdirSync(join(staging, f, '..'), { recursive: true });
        copyFileSync(join(src.dir, f), join(staging, f));
        if (!NOT_PATTERNS.test(basename(f)) && looksLikePatterns(readFileSync(join(src.dir, f), 'utf8'))) patternFiles++;
      }
      if (patternFiles === 0) throw new HerdError('HERD_HUB_PATTERNS', `no grok pattern file (lines 'NAME regex') in this directory`, { where: src.dir });
    } else {
      files = [...CROWDSEC_PATTERN_FILES];
      for (const f of files) {
        const url = `${src.url.replace(/\/+$/, '')}/${f}`;
        const bytes = await fetchBytes(url, { timeoutMs, maxBytes: MAX_PATTERN_BYTES, hint: 'check the network, or copy a local pattern library with --patterns DIR' });
        if (!looksLikePatterns(bytes.toString('utf8'))) throw new HerdError('HERD_HUB_PATTERNS', `${url} is not a grok pattern file (no 'NAME regex' line); check --patterns-url`);
        writeFileAtomic(join(staging, f), bytes);
      }
    }
    swapDirectory(staging, paths.patterns);
    return { where: src.kind === 'dir' ? src.dir : src.url, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Replaces `dest` by `staging`; the old directory is only deleted once the new one is in place. */
function swapDirectory(staging: string, dest: string): void {
  const old = tempPathFor(dest);
  const hadOld = existsSync(dest);
  if (hadOld) renameSync(dest, old);
  try {
    renameSync(staging, dest);
  } catch (err) {
    if (hadOld) renameSync(old, dest);
    throw err;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
