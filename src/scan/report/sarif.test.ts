import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { toSarif, type SarifLog } from './sarif.js';
import { cleanScanFixture, findingOf, scanFixture, scanWith } from './report-fixtures.js';

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (2.1.0-rtm.5, the release schema that
// json.schemastore.org serves as sarif-2.1.0.json), from the @microsoft/jest-sarif package. It is a
// draft-04 schema, hence ajv-draft-04; `unicodeRegExp: false` because one of its patterns (the
// `language` tag) has a stray `]` that only non-Unicode regular expressions accept.
const require = createRequire(import.meta.url);
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
// Both packages are CommonJS with a `default` export: under NodeNext the import is the module object.
const ajv = new AjvDraft04.default({ allErrors: true, unicodeRegExp: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

function errorsOf(log: unknown): string {
  return validateSarif(JSON.parse(JSON.stringify(log))) ? '' : ajv.errorsText(validateSarif.errors, { separator: '\n' });
}

function run(log: SarifLog) {
  return log.runs[0];
}

describe('toSarif', () => {
  it('writes a log that the official SARIF 2.1.0 schema accepts, with and without a spec file', () => {
    expect(errorsOf(toSarif(scanFixture(), { specUri: 'openapi/shop.yaml' }))).toBe('');
    expect(errorsOf(toSarif(scanFixture()))).toBe('');
    expect(errorsOf(toSarif(cleanScanFixture(), { informationUri: 'https://example.org/herd' }))).toBe('');
  });

  it('is checked by a schema that rejects a broken log (the validation above is not vacuous)', () => {
    const log = JSON.parse(JSON.stringify(toSarif(scanFixture()))) as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(errorsOf(log)).toMatch(/level/);
    expect(errorsOf({ version: '2.1.0' })).toMatch(/runs/);
  });

  it('describes herd and every check as a rule with CWE, OWASP and GitHub security-severity', () => {
    const driver = run(toSarif(scanFixture())).tool.driver;
    expect(driver.name).toBe('herd');
    expect(driver.version).toBe('0.1.0');
    const ids = driver.rules.map((r) => r.id);
    expect(ids.slice(0, 7)).toEqual([
      'injection.sql',
      'authz.bola',
      'auth.missing',
      'cors.reflect-origin',
      'ratelimit.missing',
      'headers.security',
      'info.server-banner',
    ]);
    const sql = driver.rules[0]!;
    expect(sql.name).toBe('InjectionSql');
    expect(sql.shortDescription.text).toBe('SQL injection');
    expect(sql.fullDescription.text).toMatch(/builds SQL from request input/);
    expect(sql.properties.tags).toEqual(expect.arrayContaining(['security', 'CWE-89', 'external/cwe/cwe-89', 'API8:2023']));
    expect(sql.defaultConfiguration.level).toBe('error');
    expect(sql.helpUri).toBe('https://owasp.org/www-community/attacks/SQL_Injection');
    const severities = Object.fromEntries(driver.rules.map((r) => [r.id, r.properties['security-severity']]));
    expect(severities).toMatchObject({
      'injection.sql': '9.5',
      'authz.bola': '8.0',
      'cors.reflect-origin': '5.5',
      'headers.security': '3.0',
      'info.server-banner': '0.0',
    });
  });

  it("puts the remediation and each stack's snippet in the rule's help, fenced in the markdown", () => {
    const bola = run(toSarif(scanFixture())).tool.driver.rules.find((r) => r.id === 'authz.bola')!;
    expect(bola.help.text).toMatch(/Fix: Load the object through the caller's identity/);
    expect(bola.help.text).toContain('ownerId: req.user.id');
    expect(bola.help.markdown).toContain("**Fix.** Load the object through the caller's identity");
    expect(bola.help.markdown).toMatch(/\*\*Spring\*\*\n\n```\n@PreAuthorize/);
  });

  it('gives a finding whose check the scan did not list a rule of its own, so ruleIndex stays valid', () => {
    const log = toSarif(scanFixture());
    const { rules } = run(log).tool.driver;
    for (const r of run(log).results) expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const plugin = rules.find((r) => r.id === 'plugin.debug-endpoint')!;
    expect(plugin.shortDescription.text).toBe('Debug endpoint exposed');
    expect(plugin.properties.cwe).toBe('CWE-489');
  });

  it('maps severities to levels: error for critical and high, warning for medium, note for low and info', () => {
    const levels = run(toSarif(scanFixture())).results.map((r) => [r.properties.severity, r.level]);
    expect(new Map(levels as [string, string][])).toEqual(
      new Map([
        ['high', 'error'],
        ['critical', 'error'],
        ['medium', 'warning'],
        ['low', 'note'],
        ['info', 'note'],
      ]),
    );
  });

  it('reports each finding with its detail and location, its fingerprint, and the spec file at line 1', () => {
    const results = run(toSarif(scanFixture(), { specUri: 'openapi/shop.yaml' })).results;
    expect(results).toHaveLength(8);
    const sql = results[1]!;
    expect(sql.ruleId).toBe('injection.sql');
    expect(sql.message.text).toBe("The parameter q = ' made the server answer 500 with a PostgreSQL syntax error. (at GET /api/products)");
    expect(sql.partialFingerprints).toEqual({ 'herdFinding/v1': 'injection.sql|GET /api/products|q' });
    expect(sql.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'openapi/shop.yaml' }, region: { startLine: 1 } });
    expect(sql.locations[0]!.logicalLocations).toEqual([{ name: 'GET /api/products', fullyQualifiedName: 'GET /api/products' }]);
  });

  it("places each result on its operation's line in the description when its text is given", () => {
    const spec = [
      'openapi: 3.0.3',
      'info: { title: Shop, version: "1" }',
      'paths:',
      '  /api/orders/{id}:',
      '    get:',
      '      summary: one order',
      '  /api/products:',
      '    get:',
      '      summary: search',
      '  /api/users/{id}:',
      '    get: {}',
      '    delete: {}',
      '  /:',
      '    x-root: true',
    ].join('\n');
    const log = toSarif(scanFixture(), { specUri: 'openapi/shop.yaml', specText: spec });
    expect(errorsOf(log)).toBe('');
    const lines = run(log).results.map((r) => [r.locations[0]!.logicalLocations[0]!.name, r.locations[0]!.physicalLocation!.region.startLine]);
    expect(lines).toEqual([
      ['GET /api/orders/{id}', 5],
      ['GET /api/products', 8],
      ['GET /api/orders/{id}', 5],
      ['DELETE /api/users/{id}', 12],
      // Not in the description: line 1, as without the text.
      ['GET /api/echo|`x`</td> ```', 1],
      ['GET /api/products', 8],
      // A path the description has without this method: the path's line.
      ['GET /', 13],
      ['GET /debug/vars', 1],
    ]);
    expect(run(log).results[0]!.locations[0]!.physicalLocation!.artifactLocation.uri).toBe('openapi/shop.yaml');
  });

  it('places GraphQL results on their field in the SDL, and everything on line 1 when the text is not a description', () => {
    const sdl = 'schema { query: Root }\n\ntype Root {\n  me: String\n  order(id: ID!): String\n}\n';
    const graphql = scanWith([findingOf({ fingerprint: 'a', location: 'Root.order' }), findingOf({ fingerprint: 'b', location: 'POST /graphql' })]);
    const lineOf = (log: SarifLog) => run(log).results.map((r) => r.locations[0]!.physicalLocation!.region.startLine);
    expect(lineOf(toSarif(graphql, { specUri: 'schema.graphql', specText: sdl }))).toEqual([5, 1]);
    expect(lineOf(toSarif(scanFixture(), { specUri: 'openapi/shop.yaml', specText: '{"openapi": "3.0.0", "paths": {' }))).toEqual(Array(8).fill(1));
  });

  it('ignores the text when no spec file is named: results keep only a logical location', () => {
    const loc = run(toSarif(scanFixture(), { specText: 'openapi: 3.0.0\npaths:\n  /api/orders/{id}:\n    get: {}\n' })).results[0]!.locations[0]!;
    expect(loc.physicalLocation).toBeUndefined();
  });

  it('gives only a logical location when no spec file is named', () => {
    const loc = run(toSarif(scanFixture())).results[0]!.locations[0]!;
    expect(loc.physicalLocation).toBeUndefined();
    expect(loc.logicalLocations[0]!.name).toBe('GET /api/orders/{id}');
  });

  it('carries the first exchange as webRequest/webResponse, bodies cut at maxBody', () => {
    const results = run(toSarif(scanFixture(), { maxBody: 100 })).results;
    const cors = results.find((r) => r.ruleId === 'cors.reflect-origin')!;
    expect(cors.webRequest).toMatchObject({ method: 'GET', target: 'http://127.0.0.1:4000/api/echo?x=%3Cscript%3E' });
    expect(cors.webResponse?.statusCode).toBe(200);
    expect(cors.webResponse?.headers?.['access-control-allow-origin']).toBe('https://evil.example');
    expect(cors.webResponse!.body!.text.length).toBeLessThan(200);
    expect(cors.webResponse!.body!.text).toMatch(/more characters\]$/);
    const missing = results.find((r) => r.ruleId === 'auth.missing')!;
    expect(missing.properties.evidence).toEqual([
      'DELETE http://127.0.0.1:4000/api/users/7 → HTTP 204',
      'DELETE http://127.0.0.1:4000/api/users/8 → no response (socket hang up)',
    ]);
    const plugin = results.find((r) => r.ruleId === 'plugin.debug-endpoint')!;
    expect(plugin.webRequest).toBeUndefined();
  });

  it('escapes square brackets in messages so target text cannot become a link in an alert', () => {
    const log = toSarif(scanWith([findingOf({ fingerprint: 'f', detail: 'see [here](https://evil.example) \\o/' })]));
    expect(run(log).results[0]!.message.text).toBe('see \\[here\\](https://evil.example) \\\\o/ (at GET /api/orders/{id})');
  });

  it('survives hostile strings: the log serialises to JSON that parses back the same', () => {
    const log = toSarif(scanFixture());
    expect(JSON.parse(JSON.stringify(log))).toEqual(log);
  });

  it('writes an empty results list and every rule for a scan that found nothing', () => {
    const r = run(toSarif(cleanScanFixture()));
    expect(r.results).toEqual([]);
    expect(r.tool.driver.rules).toHaveLength(7);
    expect(r.invocations[0].startTimeUtc).toBe('2025-03-14T09:26:53.589Z');
  });
});
