import { HerdError } from '../core/index.js';

/** What a replay reads: files (a path or a glob) or standard input. */
export type ReplayInput = { kind: 'file'; path: string } | { kind: 'stdin' };

/** CrowdSec's DSN options that herd accepts and has no use for (logging is configured globally). */
const IGNORED_PARAMS = new Set(['log_level']);

/**
 * Reads a replay DSN: `file:///absolute/path.log` (a glob is allowed, percent-escapes are decoded,
 * `?log_level=…` as CrowdSec writes it is accepted) or `-` for standard input.
 */
export function parseDsn(dsn: string): ReplayInput {
  if (dsn === '-') return { kind: 'stdin' };
  const usage = `use file:///absolute/path.log (three slashes) or - for standard input`;
  if (!dsn.startsWith('file://')) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(dsn)?.[1];
    throw new HerdError(
      'HERD_ACQUIS_DSN',
      scheme ? `DSN '${dsn}': replay does not read '${scheme}:' sources; ${usage}` : `DSN '${dsn}' is not a DSN; ${usage}`,
    );
  }
  let rest = dsn.slice('file://'.length);
  if (rest.startsWith('localhost/')) rest = rest.slice('localhost'.length);
  if (!rest.startsWith('/')) {
    throw new HerdError('HERD_ACQUIS_DSN', `DSN '${dsn}' does not name an absolute path; ${usage}`);
  }
  const q = rest.indexOf('?');
  if (q >= 0 && /^[a-z_]+=[^&]*(&[a-z_]+=[^&]*)*$/.test(rest.slice(q + 1))) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const key = pair.slice(0, pair.indexOf('='));
      if (!IGNORED_PARAMS.has(key)) {
        throw new HerdError('HERD_ACQUIS_DSN', `DSN '${dsn}': unknown option '${key}'; file DSNs accept only log_level`);
      }
    }
    rest = rest.slice(0, q);
  }
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    throw new HerdError('HERD_ACQUIS_DSN', `DSN '${dsn}' has a broken percent-escape; write '%25' for a literal '%'`);
  }
  if (path.length <= 1) throw new HerdError('HERD_ACQUIS_DSN', `DSN '${dsn}' names no file; ${usage}`);
  return { kind: 'file', path };
}
