import { describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { parseDsn } from './dsn.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof HerdError ? err.code : 'not a HerdError';
  }
  return 'no error';
}

describe('parseDsn', () => {
  it('reads - as standard input', () => {
    expect(parseDsn('-')).toEqual({ kind: 'stdin' });
  });

  it('reads a file DSN with an absolute path, decoding percent-escapes', () => {
    expect(parseDsn('file:///var/log/nginx/access.log')).toEqual({ kind: 'file', path: '/var/log/nginx/access.log' });
    expect(parseDsn('file:///tmp/my%20logs/a.log')).toEqual({ kind: 'file', path: '/tmp/my logs/a.log' });
    expect(parseDsn('file://localhost/var/log/a.log')).toEqual({ kind: 'file', path: '/var/log/a.log' });
  });

  it("accepts CrowdSec's log_level option and keeps a glob's ? as part of the path", () => {
    expect(parseDsn('file:///var/log/auth.log?log_level=debug')).toEqual({ kind: 'file', path: '/var/log/auth.log' });
    expect(parseDsn('file:///var/log/auth.lo?')).toEqual({ kind: 'file', path: '/var/log/auth.lo?' });
  });

  it('refuses relative paths, other schemes, unknown options and bare words with HERD_ACQUIS_DSN', () => {
    expect(codeOf(() => parseDsn('file://var/log/a.log'))).toBe('HERD_ACQUIS_DSN');
    expect(codeOf(() => parseDsn('journalctl://filters=_SYSTEMD_UNIT=ssh.service'))).toBe('HERD_ACQUIS_DSN');
    expect(codeOf(() => parseDsn('file:///a.log?poll=1'))).toBe('HERD_ACQUIS_DSN');
    expect(codeOf(() => parseDsn('/var/log/a.log'))).toBe('HERD_ACQUIS_DSN');
    expect(codeOf(() => parseDsn('file:///bad%zz'))).toBe('HERD_ACQUIS_DSN');
    expect(() => parseDsn('s3://bucket/key')).toThrow(/does not read 's3:' sources/);
  });
});
