import { describe, expect, it } from 'vitest';
import { applyStatics, compileTarget, newLogEvent, TIMEMACHINE, type Event, type RuntimeStatic, type TargetSetter } from './index.js';

/**
 * `target:` statics (CrowdSec's SetTargetByName): the path is walked through the Event by field
 * name, an optional `evt.` prefix dropped; the first map met takes the next segment as its key (any
 * further segments are ignored); otherwise the path must end on a string field. herd resolves the
 * path once, at load; a path that can never be set is a reason (a load warning), not a setter.
 */

function event(): Event {
  return newLogEvent({ raw: 'raw line', src: '/var/log/x.log', module: 'file', labels: { type: 'nginx' }, readAt: 0 }, TIMEMACHINE);
}

function setter(target: string): TargetSetter {
  const s = compileTarget(target);
  if (typeof s === 'string') throw new Error(`expected a setter for ${target}, got: ${s}`);
  return s;
}

function set(target: string, value: string): Event {
  const evt = event();
  expect(setter(target)(evt, value)).toBe(true);
  return evt;
}

describe('compileTarget', () => {
  it('sets the string fields of the event, with or without the evt. prefix', () => {
    expect(set('evt.StrTime', '10/Oct/2025:13:55:36 +0200').StrTime).toBe('10/Oct/2025:13:55:36 +0200');
    expect(set('StrTime', 'x').StrTime).toBe('x');
    expect(set('evt.StrTimeFormat', '2006-01-02').StrTimeFormat).toBe('2006-01-02');
    expect(set('MarshaledTime', '2025-10-10T13:55:36+02:00').MarshaledTime).toBe('2025-10-10T13:55:36+02:00');
    expect(set('evt.WhitelistReason', 'because').WhitelistReason).toBe('because');
    expect(set('evt.Stage', 's02-enrich').Stage).toBe('s02-enrich');
  });

  it('sets the string fields of the line', () => {
    expect(set('evt.Line.Raw', 'rewritten').Line.Raw).toBe('rewritten');
    expect(set('evt.Line.Src', 'elsewhere').Line.Src).toBe('elsewhere');
    expect(set('Line.Module', 'journalctl').Line.Module).toBe('journalctl');
  });

  it('sets a key of the maps: Parsed, Meta, Enriched, Unmarshaled and the line labels', () => {
    expect(set('evt.Parsed.user', 'alice').Parsed.user).toBe('alice');
    expect(set('evt.Meta.source_ip', '192.0.2.1').Meta.source_ip).toBe('192.0.2.1');
    expect(set('evt.Enriched.country', 'FR').Enriched.country).toBe('FR');
    expect(set('evt.Unmarshaled.k', 'v').Unmarshaled.k).toBe('v');
    const labelled = set('evt.Line.Labels.type', 'syslog');
    expect(labelled.Line.Labels.type).toBe('syslog');
  });

  it('ignores the segments after a map key, as CrowdSec sets the key as soon as it meets a map', () => {
    const evt = set('evt.Meta.http.path', '/x');
    expect(evt.Meta.http).toBe('/x');
    expect(Object.keys(evt.Meta)).toEqual(['http']);
  });

  it('replaces what the field held', () => {
    const evt = event();
    evt.Meta.user = 'old';
    setter('evt.Meta.user')(evt, 'new');
    expect(evt.Meta.user).toBe('new');
  });

  it('gives a reason instead of a setter for a field that does not exist', () => {
    expect(compileTarget('evt.NoSuchField')).toBe("'evt.NoSuchField' is not a valid target because 'NoSuchField' is not valid");
    expect(compileTarget('evt.Line.Nope')).toMatch(/'Nope' is not valid/);
    // field names are case-sensitive, as Go's reflection is
    expect(typeof compileTarget('evt.meta.user')).toBe('string');
  });

  it('gives a reason for a map named without a key', () => {
    expect(compileTarget('evt.Meta')).toBe("'evt.Meta' names a map, not a key in it");
    expect(typeof compileTarget('Line.Labels')).toBe('string');
  });

  it('gives a reason for fields that are not strings (bool, int, time, struct)', () => {
    for (const t of ['evt.Whitelisted', 'evt.Type', 'evt.Time', 'evt.Line.Time', 'evt.Line', 'evt.Process', 'evt.Overflow']) {
      expect(compileTarget(t), t).toMatch(/is not a string field/);
    }
  });

  it('sets a string field inside the overflow of a postoverflow event (evt.Overflow.Alert.Source.Value)', () => {
    const evt = event();
    const source = { IP: '2001:db8::1', Value: '2001:db8::1', Scope: 'Ip' };
    evt.Overflow = { Alert: { Source: source }, Sources: { '2001:db8::1': source } };
    expect(setter('evt.Overflow.Alert.Source.Value')(evt, '2001:db8::/64')).toBe(true);
    expect(setter('evt.Overflow.Alert.Source.Scope')(evt, 'Range')).toBe(true);
    expect(source).toEqual({ IP: '2001:db8::1', Value: '2001:db8::/64', Scope: 'Range' });
  });

  it('does not set an overflow field that is missing or not a string, nor anything on a log event', () => {
    const evt = event();
    expect(setter('evt.Overflow.Alert.Source.Value')(evt, 'x')).toBe(false);
    evt.Overflow = { Alert: { Remediation: true, Source: null } };
    expect(setter('evt.Overflow.Alert.Remediation')(evt, 'x')).toBe(false);
    expect(setter('evt.Overflow.Alert.Source.Value')(evt, 'x')).toBe(false);
    expect(evt.Overflow).toEqual({ Alert: { Remediation: true, Source: null } });
  });

  it('gives a reason for a path that goes below a string or non-struct field', () => {
    expect(compileTarget('evt.StrTime.x')).toMatch(/'evt.StrTime.x' is not a valid target/);
    expect(typeof compileTarget('evt.Line.Raw.x')).toBe('string');
    expect(typeof compileTarget('evt.Time.Year')).toBe('string');
  });
});

describe('target statics at run time', () => {
  const staticOf = (target: string, value: string): RuntimeStatic => {
    const s = compileTarget(target);
    return { kind: 'target', key: target, value, expr: null, method: null, setter: typeof s === 'string' ? null : s, where: 'p.yaml:7' };
  };

  it('apply their value through the setter', () => {
    const evt = event();
    applyStatics([staticOf('evt.StrTime', 'Oct 10 13:55:36'), staticOf('evt.Meta.log_type', 'ssh_failed-auth')], { evt }, { report: () => {} });
    expect(evt.StrTime).toBe('Oct 10 13:55:36');
    expect(evt.Meta.log_type).toBe('ssh_failed-auth');
  });

  it('report target_error, at the static, when the target can never be set', () => {
    const evt = event();
    const reports: string[] = [];
    applyStatics([staticOf('evt.NoSuchField', 'x'), staticOf('evt.Meta.after', 'y')], { evt }, { report: (kind, where, detail) => reports.push(`${kind} ${where} ${detail}`) });
    expect(reports).toEqual(["target_error p.yaml:7 unable to set 'evt.NoSuchField'"]);
    expect(evt.Meta.after).toBe('y');
  });
});
