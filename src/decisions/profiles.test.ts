import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import type { Alert } from '../scenarios/index.js';
import { DecisionHistory, evaluateProfiles, parseProfilesText, type RuntimeProfile } from './index.js';

/** herd's own default profiles, as `herd start` loads them. */
const DEFAULT_PROFILES_YAML = readFileSync(new URL('../../content/profiles/profiles.yaml', import.meta.url), 'utf8');

// --- helpers --------------------------------------------------------------------------------------

const FILE = 'profiles.yaml';
const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const HOUR = 3600_000;

function setup() {
  const clock = new ManualClock(NOW);
  const history = new DecisionHistory(() => clock.now());
  const functions = { ...crowdsecHelpers({ clock }), ...history.helpers() };
  const compile = (src: string): CompiledExpr => compileExpr(src, { variables: ['Alert'], functions, regex: compileRegex });
  const load = (text: string): RuntimeProfile[] => parseProfilesText(text, FILE, { compileExpr: compile });
  return { clock, history, load };
}

function alert(over: Partial<Alert> = {}): Alert {
  return {
    uuid: '00000000-0000-4000-8000-000000000000',
    machineId: '',
    scenario: 'crowdsecurity/ssh-bf',
    scenarioHash: 'abc',
    scenarioVersion: '0.3',
    message: "Ip 1.2.3.4 performed 'crowdsecurity/ssh-bf' (6 events over 5s) at 2024-06-01 11:59:55 +0000 UTC",
    eventsCount: 6,
    startAt: '2024-06-01T11:59:50Z',
    stopAt: '2024-06-01T11:59:55Z',
    capacity: 5,
    leakspeed: '10s',
    simulated: false,
    remediation: true,
    source: { scope: 'Ip', value: '1.2.3.4', ip: '1.2.3.4', cn: 'FR', asNumber: '16276', asName: 'OVH SAS' },
    events: [
      { timestamp: '2024-06-01T11:59:50Z', meta: [{ key: 'source_ip', value: '1.2.3.4' }, { key: 'target_user', value: 'root' }] },
      { timestamp: '2024-06-01T11:59:55Z', meta: [{ key: 'source_ip', value: '1.2.3.4' }, { key: 'target_user', value: 'admin' }] },
    ],
    meta: [],
    labels: [],
    ...over,
  };
}

const rangeAlert = () => alert({ source: { scope: 'Range', value: '1.2.3.0/24', ip: '1.2.3.4', range: '1.2.3.0/24' } });

/** Loading `text` must fail; returns the error. */
function loadError(load: (t: string) => unknown, text: string): HerdError {
  try {
    load(text);
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return err as HerdError;
  }
  throw new Error('expected the profiles to be refused');
}

const lineOf = (text: string, prefix: string): number => text.split('\n').findIndex((l) => l.trimStart().startsWith(prefix)) + 1;

// --- the default profiles -------------------------------------------------------------------------

describe('evaluateProfiles — herd default profiles', () => {
  it('bans an IP for 4h the first time', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(DEFAULT_PROFILES_YAML), alert(), NOW);
    expect(out.errors).toEqual([]);
    expect(out.matched).toEqual(['default_ip_remediation']);
    expect(out.decisions).toHaveLength(1);
    const d = out.decisions[0]!;
    expect(d).toMatchObject({
      origin: 'crowdsec',
      type: 'ban',
      scope: 'Ip',
      value: '1.2.3.4',
      scenario: 'crowdsecurity/ssh-bf',
      simulated: false,
      createdAt: NOW,
      until: NOW + 4 * HOUR,
    });
    expect(d.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('escalates repeat offenders with GetDecisionsCount: 4h, 8h, 12h, 16h', () => {
    const { load, history, clock } = setup();
    const profiles = load(DEFAULT_PROFILES_YAML);
    const hours: number[] = [];
    for (let i = 0; i < 4; i++) {
      const now = clock.now();
      const [d] = evaluateProfiles(profiles, alert(), now).decisions;
      hours.push((d!.until - d!.createdAt) / HOUR);
      history.add(d!);
      clock.advance(5 * HOUR);
    }
    expect(hours).toEqual([4, 8, 12, 16]);
  });

  it('counts the decisions of the IP in the alert, not of other IPs', () => {
    const { load, history } = setup();
    history.add({ value: '9.9.9.9', type: 'ban', createdAt: NOW - HOUR, until: NOW + HOUR });
    const [d] = evaluateProfiles(load(DEFAULT_PROFILES_YAML), alert(), NOW).decisions;
    expect(d!.until - NOW).toBe(4 * HOUR);
  });

  it('bans a range for 4h with the range profile', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(DEFAULT_PROFILES_YAML), rangeAlert(), NOW);
    expect(out.matched).toEqual(['default_range_remediation']);
    expect(out.decisions).toHaveLength(1);
    expect(out.decisions[0]).toMatchObject({ type: 'ban', scope: 'Range', value: '1.2.3.0/24', until: NOW + 4 * HOUR });
  });

  it('makes no decision for an alert that asks for no remediation', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(DEFAULT_PROFILES_YAML), alert({ remediation: false }), NOW);
    expect(out).toEqual({ decisions: [], matched: [], errors: [] });
  });

  it('loads the profiles shipped in content/ the same way', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../content/profiles/profiles.yaml', import.meta.url), 'utf8');
    const { load } = setup();
    const profiles = load(text);
    expect(profiles.map((p) => p.name)).toEqual(['default_ip_remediation', 'default_range_remediation']);
    expect(evaluateProfiles(profiles, alert(), NOW).decisions[0]!.until).toBe(NOW + 4 * HOUR);
  });
});

// --- order: on_success, on_failure ----------------------------------------------------------------

const SPECIFIC_THEN_DEFAULT = `name: ssh_longer
filters:
  - Alert.Remediation == true && Alert.GetScenario() in ["crowdsecurity/ssh-bf", "crowdsecurity/ssh-user-enum"]
decisions:
  - type: ban
    duration: 24h
on_success: break
---
name: default
filters:
  - Alert.Remediation == true
decisions:
  - type: ban
    duration: 4h
on_success: break
`;

describe('evaluateProfiles — which profile applies', () => {
  it('applies the first matching profile and stops there with on_success: break', () => {
    const { load } = setup();
    const profiles = load(SPECIFIC_THEN_DEFAULT);
    const ssh = evaluateProfiles(profiles, alert(), NOW);
    expect(ssh.matched).toEqual(['ssh_longer']);
    expect(ssh.decisions.map((d) => d.until - NOW)).toEqual([24 * HOUR]);
    const http = evaluateProfiles(profiles, alert({ scenario: 'crowdsecurity/http-probing' }), NOW);
    expect(http.matched).toEqual(['default']);
    expect(http.decisions.map((d) => d.until - NOW)).toEqual([4 * HOUR]);
  });

  it('goes on to the next profiles without on_success: break, which only notify: the first match gives the decisions', () => {
    const { load } = setup();
    const profiles = load(SPECIFIC_THEN_DEFAULT.replace('on_success: break\n---', '---'));
    const out = evaluateProfiles(profiles, alert(), NOW);
    expect(out.matched).toEqual(['ssh_longer', 'default']);
    // CrowdSec's LAPI keeps the decisions of the first matching profile (alert.Decisions is set once).
    expect(out.decisions.map((d) => d.until - NOW)).toEqual([24 * HOUR]);
  });

  it('lets a later profile give the decisions when the earlier matching ones have none (notification only)', () => {
    const { load } = setup();
    const text = `name: notify_only
filters:
  - Alert.Remediation == true
notifications:
  - slack_default
---
${SPECIFIC_THEN_DEFAULT}`;
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.matched).toEqual(['notify_only', 'ssh_longer']);
    expect(out.decisions.map((d) => d.until - NOW)).toEqual([24 * HOUR]);
  });

  it('matches a profile when any one of its filters is true', () => {
    const { load } = setup();
    const text = `name: either
filters:
  - Alert.GetScope() == "Session"
  - Alert.GetScope() == "Ip"
decisions:
  - type: captcha
    duration: 1h
`;
    expect(evaluateProfiles(load(text), alert(), NOW).decisions.map((d) => d.type)).toEqual(['captcha']);
  });

  it('never matches a profile without filters', () => {
    const { load } = setup();
    const text = 'name: empty\ndecisions:\n  - type: ban\n    duration: 1h\n';
    expect(evaluateProfiles(load(text), alert(), NOW).matched).toEqual([]);
  });

  it('stops at a profile that does not match when it says on_failure: break', () => {
    const { load } = setup();
    const text = `name: only_ssh
filters:
  - Alert.GetScenario() == "crowdsecurity/ssh-bf"
decisions:
  - type: ban
    duration: 24h
on_success: break
on_failure: break
---
name: default
filters:
  - Alert.Remediation == true
decisions:
  - type: ban
    duration: 4h
`;
    const profiles = load(text);
    expect(evaluateProfiles(profiles, alert({ scenario: 'crowdsecurity/http-probing' }), NOW)).toEqual({ decisions: [], matched: [], errors: [] });
    expect(evaluateProfiles(profiles, alert(), NOW).matched).toEqual(['only_ssh']);
  });

  it('goes on past a profile that does not match with on_failure: continue (the default)', () => {
    const { load } = setup();
    const text = SPECIFIC_THEN_DEFAULT.replace('on_success: break\n---', 'on_success: break\non_failure: continue\n---');
    expect(evaluateProfiles(load(text), alert({ scenario: 'x/y' }), NOW).matched).toEqual(['default']);
  });
});

// --- on_error ---------------------------------------------------------------------------------------

describe('evaluateProfiles — on_error', () => {
  /** A first profile whose filter fails at run time (not a bool), then a catch-all one. */
  const failing = (onError: string) => `name: failing
filters:
  - Alert.GetScenario()
decisions:
  - type: captcha
    duration: 1h
${onError ? `on_error: ${onError}\n` : ''}---
name: default
filters:
  - Alert.Remediation == true
decisions:
  - type: ban
    duration: 4h
`;

  it('skips the failing profile by default and reports the error', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(failing('')), alert(), NOW);
    expect(out.matched).toEqual(['default']);
    expect(out.decisions.map((d) => d.type)).toEqual(['ban']);
    expect(out.errors).toEqual(['profile failing: filter returned string, not a bool']);
  });

  it('skips the failing profile with on_error: continue', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(failing('continue')), alert(), NOW);
    expect(out.matched).toEqual(['default']);
    expect(out.errors).toHaveLength(1);
  });

  it('treats the failing filter as not matching with on_error: ignore', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(failing('ignore')), alert(), NOW);
    expect(out.matched).toEqual(['default']);
    expect(out.errors).toHaveLength(1);
  });

  it('counts the failing profile as matched with on_error: apply, and reports the error', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(failing('apply')), alert(), NOW);
    expect(out.matched).toEqual(['failing', 'default']);
    expect(out.decisions).toHaveLength(1);
    expect(out.errors).toHaveLength(1);
  });

  // Question for the lead: herd gives the failing profile's own decisions (captcha here). CrowdSec's
  // LAPI (controllers/v1/alerts.go) marks it matched but EvaluateProfile returned no decisions on
  // error, so alert.Decisions stays empty and the next matching profile's decisions (ban) are kept.
  // Which one should herd do?
  it.todo("on_error: apply — takes the failing profile's decisions, or the next matching profile's as CrowdSec does?");

  it('stops evaluating profiles with on_error: break', () => {
    const { load } = setup();
    const out = evaluateProfiles(load(failing('break')), alert(), NOW);
    expect(out.matched).toEqual([]);
    expect(out.decisions).toEqual([]);
    expect(out.errors).toHaveLength(1);
  });

  it('reports a helper that throws, such as GetDecisionsSinceCount with a bad duration', () => {
    const { load } = setup();
    const text = `name: recent
filters:
  - GetDecisionsSinceCount(Alert.GetValue(), "a while") > 2
decisions:
  - type: ban
    duration: 48h
`;
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.decisions).toEqual([]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatch(/^profile recent: .*GetDecisionsSinceCount: invalid duration 'a while'/);
  });
});

// --- the decisions ----------------------------------------------------------------------------------

describe('evaluateProfiles — the decisions a profile makes', () => {
  it('makes one decision per entry, with its type, duration, scope and origin', () => {
    const { load } = setup();
    const text = `name: app
filters:
  - Alert.Remediation == true
decisions:
  - type: captcha
    duration: 1h
    scope: custom_app1_captcha
  - type: ban
    duration: 2h30m
    origin: lists
  - type: throttle
`;
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.decisions.map(({ type, scope, value, origin, until }) => ({ type, scope, value, origin, hours: (until - NOW) / HOUR }))).toEqual([
      { type: 'captcha', scope: 'custom_app1_captcha', value: '1.2.3.4', origin: 'crowdsec', hours: 1 },
      { type: 'ban', scope: 'Ip', value: '1.2.3.4', origin: 'crowdsec/lists', hours: 2.5 },
      // No duration: herd's default, 4h (CrowdSec's default profile duration).
      { type: 'throttle', scope: 'Ip', value: '1.2.3.4', origin: 'crowdsec', hours: 4 },
    ]);
    expect(new Set(out.decisions.map((d) => d.uuid)).size).toBe(3);
  });

  it('takes the scope and value of the decision from the alert source', () => {
    const { load } = setup();
    const text = 'name: all\nfilters:\n  - "true"\ndecisions:\n  - type: ban\n    duration: 1h\n';
    const user = alert({ source: { scope: 'username', value: 'admin' } });
    expect(evaluateProfiles(load(text), user, NOW).decisions[0]).toMatchObject({ scope: 'username', value: 'admin' });
    expect(evaluateProfiles(load(text), rangeAlert(), NOW).decisions[0]).toMatchObject({ scope: 'Range', value: '1.2.3.0/24' });
  });

  it('makes simulated decisions for a simulated alert, and when the profile asks for it', () => {
    const { load } = setup();
    const text = `name: all
filters:
  - "true"
decisions:
  - type: ban
    duration: 1h
  - type: captcha
    duration: 1h
    simulated: true
`;
    const profiles = load(text);
    expect(evaluateProfiles(profiles, alert({ simulated: true }), NOW).decisions.map((d) => d.simulated)).toEqual([true, true]);
    expect(evaluateProfiles(profiles, alert(), NOW).decisions.map((d) => d.simulated)).toEqual([false, true]);
  });

  it('uses the duration duration_expr computes', () => {
    const { load } = setup();
    const text = `name: by_events
filters:
  - "true"
decisions:
  - type: ban
    duration: 4h
duration_expr: Sprintf('%dm', Alert.GetEventsCount() * 10)
`;
    const [d] = evaluateProfiles(load(text), alert(), NOW).decisions;
    expect(d!.until - NOW).toBe(60 * 60_000);
  });

  it('falls back to the static duration when duration_expr gives no Go duration, and says so', () => {
    const { load } = setup();
    const text = `name: odd
filters:
  - "true"
decisions:
  - type: ban
    duration: 3h
duration_expr: "'forever'"
`;
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.decisions[0]!.until - NOW).toBe(3 * HOUR);
    expect(out.errors).toEqual(["profile odd: duration_expr gave 'forever', not a Go duration"]);
  });

  it('falls back to the static duration when duration_expr gives a number', () => {
    const { load } = setup();
    const text = 'name: n\nfilters:\n  - "true"\ndecisions:\n  - type: ban\n    duration: 2h\nduration_expr: Alert.GetEventsCount()\n';
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.decisions[0]!.until - NOW).toBe(2 * HOUR);
    expect(out.errors).toEqual(["profile n: duration_expr gave '6', not a Go duration"]);
  });

  it('falls back to the static duration when duration_expr fails', () => {
    const { load } = setup();
    const text = `name: failing_expr
filters:
  - "true"
decisions:
  - type: ban
    duration: 5h
duration_expr: Sprintf('%dh', GetDecisionsSinceCount(Alert.GetValue(), 'soon'))
`;
    const out = evaluateProfiles(load(text), alert(), NOW);
    expect(out.decisions[0]!.until - NOW).toBe(5 * HOUR);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatch(/^profile failing_expr: duration_expr failed: /);
  });

  it('lets filters read the alert with CrowdSec names (Source, Events, GetMeta, …)', () => {
    const { load } = setup();
    const filters = [
      'Alert.Source.IP == "1.2.3.4" && Alert.Source.Cn == "FR" && Alert.Source.AsNumber == "16276"',
      'Alert.GetValue() == "1.2.3.4" && Alert.Source.GetScope() == "Ip"',
      'len(Alert.Events) == 2 && Alert.Events[1].GetMeta("target_user") == "admin"',
      'any(Alert.Events, {.GetMeta("target_user") == "root"})',
      'Alert.Capacity == 5 && Alert.Leakspeed == "10s" && Alert.EventsCount == 6',
      'Alert.ScenarioVersion == "0.3" && Alert.Simulated == false && Alert.GetMeta("nothing") == ""',
      'Alert.StartAt == "2024-06-01T11:59:50Z" && Alert.StopAt == "2024-06-01T11:59:55Z"',
    ];
    for (const f of filters) {
      const text = `name: p\nfilters:\n  - '${f.replace(/'/g, "''")}'\ndecisions:\n  - type: ban\n    duration: 1h\n`;
      const out = evaluateProfiles(load(text), alert(), NOW);
      expect({ f, matched: out.matched, errors: out.errors }).toEqual({ f, matched: ['p'], errors: [] });
    }
  });
});

// --- loading --------------------------------------------------------------------------------------

describe('parseProfilesText — refused at load time, with file:line and the reason', () => {
  const GOOD = `name: p1
filters:
  - Alert.Remediation == true
decisions:
  - type: ban
    duration: 4h
on_success: break
`;
  const cases: { what: string; text: string; at: string; code: string; reason: string | RegExp }[] = [
    { what: 'an unknown key', text: GOOD.replace('filters:', 'filter:'), at: 'filter:', code: 'HERD_CONFIG_INVALID', reason: "profile: filter: unknown key 'filter'" },
    {
      what: 'an unknown key in a decision',
      text: GOOD.replace('duration: 4h', 'duration: 4h\n    value: 1.2.3.4'),
      at: 'value:',
      code: 'HERD_CONFIG_INVALID',
      reason: "profile: decisions[0].value: unknown key 'value'",
    },
    { what: 'a bad on_success', text: GOOD.replace('on_success: break', 'on_success: stop'), at: 'on_success:', code: 'HERD_PROFILE_INVALID', reason: "profile p1: invalid on_success 'stop': continue or break" },
    {
      what: 'a bad on_failure',
      text: `${GOOD}on_failure: halt\n`,
      at: 'on_failure:',
      code: 'HERD_PROFILE_INVALID',
      reason: "profile p1: invalid on_failure 'halt': continue, break or apply",
    },
    { what: 'a bad on_error', text: `${GOOD}on_error: panic\n`, at: 'on_error:', code: 'HERD_PROFILE_INVALID', reason: "profile p1: invalid on_error 'panic'" },
    {
      what: 'a duration that is not a Go duration',
      text: GOOD.replace('duration: 4h', 'duration: 4 hours'),
      at: 'decisions:',
      code: 'HERD_PROFILE_INVALID',
      reason: "profile p1: invalid duration '4 hours': expected a Go duration such as 4h",
    },
    { what: 'a decision without type', text: GOOD.replace('- type: ban\n    duration', '- duration'), at: 'decisions:', code: 'HERD_PROFILE_INVALID', reason: 'profile p1: a decision needs a type (ban, captcha, …)' },
    {
      what: 'a filter that does not compile',
      text: GOOD.replace('Alert.Remediation == true', 'Alert.Remediation =='),
      at: 'filters:',
      code: 'HERD_PROFILE_INVALID',
      reason: /^profile p1: cannot compile 'Alert\.Remediation ==': /,
    },
    {
      what: 'a filter naming an unknown variable',
      text: GOOD.replace('Alert.Remediation == true', 'evt.Meta.x == "y"'),
      at: 'filters:',
      code: 'HERD_PROFILE_INVALID',
      reason: /^profile p1: cannot compile 'evt\.Meta\.x == "y"': /,
    },
    {
      what: 'a duration_expr that does not compile',
      text: `${GOOD}duration_expr: Sprintf('%dh',\n`,
      at: 'duration_expr:',
      code: 'HERD_PROFILE_INVALID',
      reason: /^profile p1: cannot compile 'Sprintf\('%dh',': /,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.what}`, () => {
      const { load } = setup();
      const err = loadError(load, c.text);
      expect(err.code).toBe(c.code);
      const line = lineOf(c.text, c.at);
      expect(line).toBeGreaterThan(0);
      expect(err.where).toBe(`${FILE}:${line}`);
      const reason = err.message.slice(`${FILE}:${line}: `.length);
      expect(err.message.startsWith(`${FILE}:${line}: `)).toBe(true);
      if (typeof c.reason === 'string') expect(reason).toBe(c.reason);
      else expect(reason).toMatch(c.reason);
    });
  }

  it('names the line in the second document when the error is there', () => {
    const { load } = setup();
    const text = `${GOOD}---\n${GOOD.replace('name: p1', 'name: p2').replace('on_success: break', 'on_success: maybe')}`;
    const err = loadError(load, text);
    const line = text.split('\n').findIndex((l) => l === 'on_success: maybe') + 1;
    expect(err.message).toBe(`${FILE}:${line}: profile p2: invalid on_success 'maybe': continue or break`);
  });

  it('refuses a YAML syntax error with its line', () => {
    const { load } = setup();
    const err = loadError(load, 'name: p\nfilters: [oops\n');
    expect(err.code).toBe('HERD_YAML_SYNTAX');
    expect(err.where).toMatch(/^profiles\.yaml:\d+$/);
  });

  // Question for the lead: herd checks the static durations only when there is no duration_expr, so
  // `duration: whatever` loads beside a duration_expr (and falls back to 4h if the expression fails).
  // CrowdSec's CompileProfile parses every decision duration and refuses the file. Deliberate?
  it.todo('refuses a static duration that is not a Go duration even when duration_expr is set (as CrowdSec)?');

  it('reads names, filters, decisions and flow keys', () => {
    const { load } = setup();
    const [p] = load(`${GOOD}on_failure: break\non_error: apply\n`);
    expect(p).toMatchObject({
      name: 'p1',
      filterSources: ['Alert.Remediation == true'],
      decisions: [{ type: 'ban', duration: '4h', scope: '', origin: '', simulated: false }],
      durationExpr: null,
      onSuccess: 'break',
      onFailure: 'break',
      onError: 'apply',
    });
    const [q] = load('name: q\nfilters: []\n');
    expect(q).toMatchObject({ onSuccess: 'continue', onFailure: 'continue', onError: '', decisions: [] });
  });
});
