/**
 * Where tests and benchmarks find the developers' shared data (`../shared` from the repository
 * root, or HERD_SHARED_DIR). Nothing in the product reads it.
 */

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared folder, or undefined when it is not there. */
export function sharedDir(): string | undefined {
  const dir = process.env.HERD_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** The CrowdSec grok pattern library of the shared folder, or undefined when absent. */
export function sharedPatternsDir(): string | undefined {
  const shared = sharedDir();
  const dir = shared === undefined ? undefined : join(shared, 'crowdsec-patterns');
  return dir !== undefined && existsSync(dir) ? dir : undefined;
}

/** Describe-block title that says why the block is skipped when the library is absent. */
export const SHARED_PATTERNS_MISSING =
  'skipped: the shared CrowdSec patterns (../shared/crowdsec-patterns, or HERD_SHARED_DIR) are not present';
