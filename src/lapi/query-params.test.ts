import { describe, expect, it } from 'vitest';
import { parseListen } from './lapi-server.js';
import { alertSearch, bouncerFilter, decisionLookup, goBool, parseQueryDuration } from './query-params.js';

describe('query parameters', () => {
  it("reads booleans as Go's strconv.ParseBool", () => {
    expect(['1', 't', 'T', 'true', 'TRUE', 'True'].map(goBool)).toEqual([true, true, true, true, true, true]);
    expect(['0', 'f', 'F', 'false', 'FALSE', 'False'].map(goBool)).toEqual([false, false, false, false, false, false]);
    expect(goBool('yes')).toBeNull();
  });

  it('reads durations with days, as CrowdSec', () => {
    expect(parseQueryDuration('4h')).toBe(4 * 3600_000);
    expect(parseQueryDuration('7d')).toBe(7 * 86_400_000);
    expect(parseQueryDuration('1d12h')).toBe(36 * 3600_000);
    expect(parseQueryDuration('soon')).toBeNull();
  });

  it('takes the first of repeated parameters and splits lists on commas', () => {
    expect(bouncerFilter({ origins: ['CAPI,lists', 'crowdsec'], scenarios_containing: 'ssh,http' }, 'ip,range')).toEqual({
      simulated: false,
      scopes: ['ip', 'range'],
      origins: ['CAPI', 'lists'],
      scenariosContaining: ['ssh', 'http'],
    });
    expect(decisionLookup({ ip: '192.0.2.1', contains: 'false' })).toEqual({ lookup: { kind: 'ip', text: '192.0.2.1', contains: false }, value: undefined });
    expect(decisionLookup({ ip: '192.0.2.1', range: '10.0.0.0/8' })).toEqual({ error: 'ip and range cannot be used together' });
  });

  it('maps alert filters to the store query, leaving simulated alerts out unless asked', () => {
    expect(alertSearch({ scenario: 's', since: '1h', limit: '0' }, 10 * 3600_000, false)).toEqual({ query: { scenario: 's', since: 9 * 3600_000, simulated: false } });
    expect(alertSearch({ simulated: 'true' }, 0, false)).toEqual({ query: { limit: 100 } });
    expect(alertSearch({ limit: '-1' }, 0, false)).toEqual({ error: 'limit: "-1" is not a whole number' });
  });

  it('reads listen addresses as Go does', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(() => parseListen('8080')).toThrow(/host:port/);
    expect(() => parseListen('localhost:99999')).toThrow(/host:port/);
  });
});
