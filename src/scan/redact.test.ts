import { describe, expect, it } from 'vitest';
import { redactExchange } from './redact.js';

describe('evidence redaction', () => {
  it('masks credentials headers, JWTs and secret fields, and keeps the rest', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const r = redactExchange({
      request: { method: 'POST', url: 'http://h/login?api_key=SECRETKEY&page=2', headers: { authorization: `Bearer ${jwt}`, 'x-trace': 'keep' }, body: '{"username":"alice","password":"hunter22"}' },
      response: { status: 200, headers: { 'set-cookie': 'sid=abcdef123456; Path=/' }, body: `{"token":"${jwt}","name":"Alice"}`, truncated: false, timeMs: 1 },
    });
    const text = JSON.stringify(r);
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('SECRETKEY');
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('abcdef123456');
    expect(r.request.body).toContain('"username":"alice"');
    expect(text).toContain('page=2');
    expect(r.request.headers['x-trace']).toBe('keep');
  });
});
