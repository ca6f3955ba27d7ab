import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCredentials, writeCredentials } from './credentials-file.js';

const dir = mkdtempSync(join(tmpdir(), 'herd-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials files', () => {
  it('read back exactly what was written, whatever the password holds (": ", "#", quotes, leading spaces)', () => {
    const path = join(dir, 'creds.yaml');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,20}$/), (password, login) => {
        writeCredentials(path, { url: 'http://127.0.0.1:8080/', login, password });
        expect(parseCredentials(readFileSync(path, 'utf8'), path)).toEqual({ url: 'http://127.0.0.1:8080/', login, password });
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('refuses a field that is not a string, naming it and the file', () => {
    expect(() => parseCredentials('url: http://x/\nlogin: [a, b]\n', 'c.yaml')).toThrow(/c\.yaml.*login in the credentials file must be a string/);
  });
});
