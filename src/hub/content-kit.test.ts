import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { PatternLibrary } from '../grok/index.js';
import { openGeoIpDatabases, parseParserText } from '../parse/index.js';
import { createContentKit } from './content-kit.js';

/**
 * The kit content is compiled with. A missing GeoIP database is said once, and only when some
 * content asks for a GeoIP method (herd's own content, which has none, loads without the warning).
 */

function kitWith(warnings: string[]) {
  const geoMissing: string[] = [];
  const geo = openGeoIpDatabases({ cityDb: '/nonexistent/GeoLite2-City.mmdb', asnDb: '/nonexistent/GeoLite2-ASN.mmdb', warn: (m) => geoMissing.push(m) });
  return createContentKit({
    clock: new ManualClock(0),
    library: new PatternLibrary(),
    resolveData: (e) => `/nonexistent/${e.dest_file}`,
    geo,
    geoMissing,
    warn: (m) => warnings.push(m),
  });
}

describe('createContentKit', () => {
  it('says nothing of missing GeoIP databases to content that does not use them', () => {
    const warnings: string[] = [];
    const kit = kitWith(warnings);
    parseParserText("name: t/dates\nfilter: \"1 == 1\"\nstatics:\n  - method: ParseDate\n    expression: evt.StrTime\n", 'p.yaml', 's02-enrich', kit.nodeDeps);
    expect(warnings).toEqual([]);
  });

  it('says once that the databases are missing when a parser uses GeoIpCity or GeoIpASN', () => {
    const warnings: string[] = [];
    const kit = kitWith(warnings);
    const yaml = "name: t/geo\nfilter: \"1 == 1\"\nstatics:\n  - method: GeoIpCity\n    expression: evt.Meta.source_ip\n  - method: GeoIpASN\n    expression: evt.Meta.source_ip\n";
    parseParserText(yaml, 'p.yaml', 's02-enrich', kit.nodeDeps);
    parseParserText(yaml.replace('t/geo', 't/geo2'), 'p.yaml', 's02-enrich', kit.nodeDeps);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/GeoLite2-City\.mmdb is missing/);
    expect(warnings[1]).toMatch(/GeoLite2-ASN\.mmdb is missing/);
  });
});

