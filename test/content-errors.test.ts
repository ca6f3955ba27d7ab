import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHerd } from './support/herd-cli.js';

/**
 * A broken parser, scenario, profile or configuration stops herd before it reads a line, with the
 * file, the line and the reason — herd never runs half-configured.
 */
const root = mkdtempSync(join(tmpdir(), 'herd-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function setup(files: Record<string, string>, extraConfig = ''): { config: string; log: string; dir: string } {
  const dir = join(root, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const log = join(dir, 'x.log');
  writeFileSync(log, '192.0.2.1 - - [08/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n');
  const config = join(dir, 'herd.yaml');
  writeFileSync(config, `data_dir: data\ncontent:\n  dirs: [content]\n${extraConfig}`);
  return { config, log, dir };
}

async function replay(c: { config: string; log: string }) {
  return runHerd(['replay', '--config', c.config, '--dsn', `file://${c.log}`, '--type', 'nginx']);
}

describe('refusing to start on broken content', () => {
  it('names the file and line of a YAML syntax error in a parser', async () => {
    const c = setup({
      'content/parsers/s01-parse/bad.yaml': 'name: test/bad\ndescription: "x"\nfilter: "true"\nstatics:\n  - meta: a\n    value: [unclosed\n',
    });
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: invalid YAML/);
    expect(r.stderr).toContain('HERD_YAML_SYNTAX');
  });

  it('names the unknown key of a scenario, with its line', async () => {
    const c = setup({
      'content/scenarios/bad.yaml': 'type: leaky\nname: test/bad\ndescription: "x"\nfilter: "true"\ncapacity: 5\nleakspeed: 10s\nlabel:\n  remediation: true\n',
    });
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:7: scenario: label: unknown key 'label'/);
  });

  it('rejects a leaky scenario without capacity', async () => {
    const c = setup({ 'content/scenarios/bad.yaml': 'type: leaky\nname: test/bad\ndescription: "x"\nfilter: "true"\nleakspeed: 10s\n' });
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: scenario test\/bad: bad capacity/);
  });

  it('names the expression that does not compile', async () => {
    const c = setup({ 'content/parsers/s02-enrich/bad.yaml': 'name: test/bad\ndescription: "x"\nfilter: "evt.Meta.x =="\nstatics:\n  - meta: a\n    value: b\n' });
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:3: cannot compile expression/);
  });

  it('names a profile error', async () => {
    const c = setup({ 'profiles.yaml': 'name: p\nfilters:\n  - Alert.Remediation == true\ndecisions:\n  - type: ban\n    duration: forever\non_success: break\n' }, 'profiles: profiles.yaml\n');
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/profiles\.yaml:\d+: profile p: invalid duration 'forever'/);
  });

  it('names the bad key of the configuration file', async () => {
    const c = setup({}, 'flush:\n  max_age: 7d\n  maxitems: 10\n');
    const r = await replay(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/herd\.yaml:\d+: configuration: flush\.maxitems: unknown key 'maxitems'/);
  });

  it('stores nothing when it refuses to start', async () => {
    const c = setup({ 'content/scenarios/bad.yaml': 'type: nope\nname: test/bad\ndescription: "x"\nfilter: "true"\n' });
    const r = await replay(c);
    expect(r.code).toBe(1);
    const alerts = await runHerd(['alerts', 'list', '--config', c.config, '--json']);
    expect(JSON.parse(alerts.stdout)).toEqual([]);
  });
});
