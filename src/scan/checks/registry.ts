/**
 * Every check of the scanner, and the selection `--checks`/`--exclude` make: ids or prefixes
 * (`authz` selects `authz.bola`, `authz.bfla`…). A check id may appear twice (its REST and its
 * GraphQL form, told apart by `appliesTo`).
 */
import { HerdError } from '../../core/index.js';
import type { Check } from '../check.js';
import { checkGroups } from './groups.js';

export const allChecks: readonly Check[] = checkGroups.flat();

function matches(id: string, selector: string): boolean {
  return id === selector || id.startsWith(`${selector}.`);
}

export function selectChecks(checks: readonly Check[], include: readonly string[] | undefined, exclude: readonly string[] | undefined): Check[] {
  for (const s of [...(include ?? []), ...(exclude ?? [])]) {
    if (!checks.some((c) => matches(c.id, s))) {
      const ids = [...new Set(checks.map((c) => c.id))].sort().join(', ');
      throw new HerdError('HERD_CLI_ARG', `no check is called or starts with "${s}"; known checks: ${ids}`);
    }
  }
  return checks.filter((c) => (include === undefined || include.length === 0 || include.some((s) => matches(c.id, s))) && !(exclude ?? []).some((s) => matches(c.id, s)));
}
