import { describe, expect, it } from 'vitest';
import { parseScanConfig } from './scan-config.js';

describe('scan configuration', () => {
  it('reads users with each kind of credentials, secrets from the environment', () => {
    const c = parseScanConfig(
      ['url: http://127.0.0.1:1', 'users:', '  - name: alice', '    auth: { bearer: "${TOKEN_A}" }', '  - name: root', '    role: admin', '    auth: { login: { path: /login, body: { u: root }, tokenPath: data.token } }'].join('\n'),
      'scan.yaml',
      { TOKEN_A: 'abc' },
    );
    expect(c.users).toEqual([
      { name: 'alice', role: 'user', auth: { bearer: 'abc' } },
      { name: 'root', role: 'admin', auth: { login: { path: '/login', body: { u: 'root' }, tokenPath: 'data.token' } } },
    ]);
  });

  it('names the bad key, and the missing environment variable', () => {
    expect(() => parseScanConfig('users: [{ name: a, auth: { bearr: x } }]', 'scan.yaml', {})).toThrow(/scan\.yaml: users\.0\.auth/);
    expect(() => parseScanConfig('budgett: 3', 'scan.yaml', {})).toThrow(/scan\.yaml/);
    expect(() => parseScanConfig('users: [{ name: a, auth: { bearer: "${NOPE}" } }]', 'scan.yaml', {})).toThrow(/NOPE is not set/);
  });
});
