import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { Reader, type Response } from 'mmdb-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMmdb, mmdbType, writeMmdb, type MmdbNetwork } from '../../../test/support/mmdb-writer.js';
import { ManualClock } from '../../core/index.js';
import { compileExpr, crowdsecHelpers, ExprRuntimeError, type ExprFunction } from '../../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, PatternLibrary } from '../../grok/index.js';
import { formatIP, ipFromWords, IpMatcher, ipv4FromNumber, parseCIDR, type IPNetwork } from '../../ip/index.js';
import { newLogEvent, ParserPipeline, parseParserText, TIMEMACHINE, type Event, type NodeBuildDeps } from '../index.js';
import type { Enricher } from './enricher.js';
import {
  createGeoIpEnrichers,
  GEOIP_ASN_FILE,
  GEOIP_CITY_FILE,
  geoIpDataFiles,
  GeoIpDatabases,
  geoipHelpers,
  openGeoIpDatabases,
} from './geoip.js';
import { MmdbDatabase } from './mmdb.js';

/**
 * GeoIP enrichment against MaxMind DB files written by the test writer (test/support/mmdb-writer.ts)
 * in a temporary data directory, with CrowdSec's file names. The expected values are CrowdSec's
 * (pkg/parser/enrich_geoip.go): decimal ASN, "true"/"false", `%f` coordinates, the zero record for an
 * address in no network, and no SourceRange then.
 */

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

const france = { geoname_id: 3017382, is_in_european_union: true, iso_code: 'FR', names: { en: 'France', fr: 'France' } };
const PARIS = {
  city: { geoname_id: 2988507, names: { en: 'Paris', de: 'Paris' } },
  continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } },
  country: france,
  location: { accuracy_radius: mmdbType.uint16(20), latitude: 48.8582, longitude: 2.3387, time_zone: 'Europe/Paris' },
  postal: { code: '75001' },
  registered_country: france,
  subdivisions: [{ geoname_id: 3012874, iso_code: 'IDF', names: { en: 'Île-de-France' } }],
};
const BERLIN = {
  city: { geoname_id: 2950159, names: { en: 'Berlin' } },
  country: { geoname_id: 2921044, is_in_european_union: true, iso_code: 'DE', names: { en: 'Germany' } },
  location: { accuracy_radius: mmdbType.uint16(50), latitude: 52.52, longitude: 13.405, time_zone: 'Europe/Berlin' },
};
/** Only a registered country (an anycast block, say): CrowdSec falls back to it. */
const REGISTERED_ONLY = {
  registered_country: { geoname_id: 2635167, is_in_european_union: false, iso_code: 'GB', names: { en: 'United Kingdom' } },
  location: { accuracy_radius: mmdbType.uint16(100), latitude: 51.5142, longitude: -0.0931 },
};
/** Only a represented country (a military base abroad): the last fallback. */
const REPRESENTED_ONLY = {
  represented_country: { geoname_id: 6252001, iso_code: 'US', names: { en: 'United States' }, type: 'military' },
  location: { latitude: mmdbType.double(38), longitude: mmdbType.double(-97) },
};
/** A country record without EU flag, nor coordinates. */
const SWITZERLAND = { country: { geoname_id: 2658434, iso_code: 'CH', names: { en: 'Switzerland' } } };

const CITY_NETWORKS: MmdbNetwork[] = [
  { network: '1.2.3.0/24', data: PARIS },
  { network: '2001:db8:1::/48', data: BERLIN },
  { network: '81.2.69.0/24', data: REGISTERED_ONLY },
  { network: '198.51.100.0/24', data: REPRESENTED_ONLY },
  { network: '5.144.0.0/14', data: SWITZERLAND },
];

const ASN_NETWORKS: MmdbNetwork[] = [
  // A larger network first, then a more specific one inside it.
  { network: '1.2.0.0/16', data: { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' } },
  { network: '1.2.3.0/24', data: { autonomous_system_number: 64501, autonomous_system_organization: 'Example Hosting' } },
  { network: '2001:db8::/32', data: { autonomous_system_number: 4200000000, autonomous_system_organization: 'Example IPv6 Net' } },
  { network: '81.2.69.0/24', data: { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd' } },
];

const ZERO_CITY = { IsoCode: '', IsInEU: 'false', Latitude: '0.000000', Longitude: '0.000000' };
const HOSTING = { ASNNumber: '64501', ASNumber: '64501', ASNOrg: 'Example Hosting', SourceRange: '1.2.3.0/24' };

let dir: string;
let enrichers: Map<string, Enricher>;
let helpers: Record<string, ExprFunction>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herd-geoip-'));
  writeMmdb(join(dir, GEOIP_CITY_FILE), { databaseType: 'GeoLite2-City', networks: CITY_NETWORKS, languages: ['en', 'de', 'fr'] });
  writeMmdb(join(dir, GEOIP_ASN_FILE), { databaseType: 'GeoLite2-ASN', networks: ASN_NETWORKS, recordSize: 28 });
  const dbs = openGeoIpDatabases(geoIpDataFiles(dir));
  enrichers = createGeoIpEnrichers(dbs);
  helpers = geoipHelpers(dbs);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function event(): Event {
  return newLogEvent({ raw: '', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
}

/** Runs one method on a fresh event and returns what it wrote into Enriched. */
function enrich(method: string, value: string, from: Map<string, Enricher> = enrichers): Record<string, string> {
  const evt = event();
  from.get(method)!(value, evt);
  return { ...evt.Enriched };
}

function all(value: string, from: Map<string, Enricher> = enrichers): Record<string, string> {
  const evt = event();
  for (const m of ['GeoIpCity', 'GeoIpASN', 'IpToRange']) from.get(m)!(value, evt);
  return { ...evt.Enriched };
}

describe('GeoIpCity', () => {
  it('gives an IPv4 address in the City database its country, EU membership and coordinates', () => {
    expect(enrich('GeoIpCity', '1.2.3.4')).toEqual({ IsoCode: 'FR', IsInEU: 'true', Latitude: '48.858200', Longitude: '2.338700' });
  });

  it('gives an IPv6 address in the City database its record', () => {
    expect(enrich('GeoIpCity', '2001:db8:1:ff::7')).toEqual({ IsoCode: 'DE', IsInEU: 'true', Latitude: '52.520000', Longitude: '13.405000' });
  });

  it('falls back to the registered country, then to the represented country, when the record has no country', () => {
    expect(enrich('GeoIpCity', '81.2.69.160')).toEqual({ IsoCode: 'GB', IsInEU: 'false', Latitude: '51.514200', Longitude: '-0.093100' });
    expect(enrich('GeoIpCity', '198.51.100.9')).toEqual({ IsoCode: 'US', IsInEU: 'false', Latitude: '38.000000', Longitude: '-97.000000' });
  });

  it('reads a missing EU flag and missing coordinates as Go’s zero values', () => {
    expect(enrich('GeoIpCity', '5.145.1.1')).toEqual({ IsoCode: 'CH', IsInEU: 'false', Latitude: '0.000000', Longitude: '0.000000' });
  });

  it('writes the zero record for a public address in no network and for a private address, as CrowdSec does', () => {
    for (const ip of ['8.8.8.8', '192.168.1.10', '2001:db8:2::1', '::1']) expect(enrich('GeoIpCity', ip)).toEqual(ZERO_CITY);
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(enrich('GeoIpCity', '::ffff:1.2.3.4').IsoCode).toBe('FR');
  });

  it('writes nothing for an empty value or text that is not an IP address', () => {
    for (const v of ['', 'not-an-ip', '1.2.3.4:80', '1.2.3', '[2001:db8:1::1]', ' 1.2.3.4']) expect(enrich('GeoIpCity', v)).toEqual({});
  });

  it('answers alike when the same address comes again, and when another comes between', () => {
    const e = createGeoIpEnrichers(openGeoIpDatabases(geoIpDataFiles(dir)));
    const seq = ['1.2.3.4', '1.2.3.4', '8.8.8.8', '1.2.3.9', 'junk', '1.2.3.4', '2001:db8:1::1'];
    expect(seq.map((ip) => enrich('GeoIpCity', ip, e).IsoCode)).toEqual(['FR', 'FR', '', 'FR', undefined, 'FR', 'DE']);
  });
});

describe('GeoIpASN', () => {
  it('gives the number in decimal (ASNNumber and its old name ASNumber) and the organisation', () => {
    expect(enrich('GeoIpASN', '1.2.3.4')).toEqual({ ASNNumber: '64501', ASNumber: '64501', ASNOrg: 'Example Hosting' });
    expect(enrich('GeoIpASN', '1.2.200.1')).toEqual({ ASNNumber: '64500', ASNumber: '64500', ASNOrg: 'Example Transit' });
    expect(enrich('GeoIpASN', '1.2.3.255')).toEqual({ ASNNumber: '64501', ASNumber: '64501', ASNOrg: 'Example Hosting' });
    expect(enrich('GeoIpASN', '2001:db8:ffff::1')).toEqual({ ASNNumber: '4200000000', ASNumber: '4200000000', ASNOrg: 'Example IPv6 Net' });
  });

  it('writes 0 and an empty organisation for an address in no network', () => {
    expect(enrich('GeoIpASN', '8.8.8.8')).toEqual({ ASNNumber: '0', ASNumber: '0', ASNOrg: '' });
    expect(enrich('GeoIpASN', '10.0.0.1')).toEqual({ ASNNumber: '0', ASNumber: '0', ASNOrg: '' });
  });

  it('writes nothing for text that is not an IP address', () => {
    expect(enrich('GeoIpASN', 'localhost')).toEqual({});
  });
});

describe('IpToRange', () => {
  it('gives the network of the ASN database that holds the address, the most specific one', () => {
    expect(enrich('IpToRange', '1.2.3.4')).toEqual({ SourceRange: '1.2.3.0/24' });
    // The tree stores 1.2.0.0/16 around 1.2.3.0/24 as the networks left beside it (1.2.128.0/17,
    // 1.2.64.0/18, …), as real databases do; the range is the tree's network, as in CrowdSec.
    expect(enrich('IpToRange', '1.2.200.1')).toEqual({ SourceRange: '1.2.128.0/17' });
    expect(enrich('IpToRange', '1.2.2.1')).toEqual({ SourceRange: '1.2.2.0/24' });
    expect(enrich('IpToRange', '81.2.69.77')).toEqual({ SourceRange: '81.2.69.0/24' });
    expect(enrich('IpToRange', '2001:db8:ffff::1')).toEqual({ SourceRange: '2001:db8::/32' });
    expect(enrich('IpToRange', '::ffff:81.2.69.1')).toEqual({ SourceRange: '81.2.69.0/24' });
  });

  it('writes no SourceRange for an address in no network, a private one or not an address', () => {
    for (const v of ['8.8.8.8', '192.168.0.1', 'fd00::1', 'nope', '']) expect(enrich('IpToRange', v)).toEqual({});
  });
});

describe('the hub parser crowdsecurity/geoip-enrich', () => {
  const HUB = process.env.HERD_HUB_DIR ?? resolve(process.cwd(), '../shared/crowdsec-hub');
  const file = join(HUB, 'parsers/s02-enrich/crowdsecurity/geoip-enrich.yaml');

  function hubPipeline(methods: Map<string, Enricher>): { pipeline: ParserPipeline; warnings: string[] } {
    const functions = crowdsecHelpers({ clock: new ManualClock(NOW) });
    const library = new PatternLibrary();
    const warnings: string[] = [];
    const deps: NodeBuildDeps = {
      compileExpr: (src) => compileExpr(src, { variables: ['evt'], functions, regex: compileRegex }),
      addGrokPattern: (name, regex) => library.add(name, regex, 'pattern_syntax'),
      compileGrok: (pattern) => compileGrok(library, pattern),
      compileNamedGrok: (name) => compileNamedGrok(library, name),
      ipMatcher: (entries) => IpMatcher.parse(entries),
      enrichers: methods,
      counters: () => ({ hits: 0, ok: 0, ko: 0 }),
      warn: (message, where) => warnings.push(`${where}: ${message}`),
    };
    // herd's loader does not take `data:` entries yet (they only tell the hub what to download);
    // the statics are what is tested here, so the entries are left out.
    const text = readFileSync(file, 'utf8').replace(/^data:\n(?:[ -].*\n)*/m, '');
    const nodes = parseParserText(text, file, 's02-enrich', deps);
    return { pipeline: new ParserPipeline(nodes), warnings };
  }

  function parsed(pipeline: ParserPipeline, ip: string): Record<string, string> {
    const evt = event();
    evt.Meta.source_ip = ip;
    pipeline.parse(evt, { report: () => {} });
    return { ...evt.Meta };
  }

  it('fills Meta with the country, EU membership, AS and range of a public source, and no GeoCoords', () => {
    const { pipeline, warnings } = hubPipeline(enrichers);
    expect(warnings).toEqual([]);
    expect(parsed(pipeline, '1.2.3.4')).toEqual({
      source_ip: '1.2.3.4',
      IsoCode: 'FR',
      IsInEU: 'true',
      ASNNumber: '64501',
      ASNOrg: 'Example Hosting',
      SourceRange: '1.2.3.0/24',
    });
    expect(parsed(pipeline, '2001:db8:1::1')).toEqual({
      source_ip: '2001:db8:1::1',
      IsoCode: 'DE',
      IsInEU: 'true',
      ASNNumber: '4200000000',
      ASNOrg: 'Example IPv6 Net',
      SourceRange: '2001:db8::/32',
    });
  });

  it('leaves an unknown public source with IsInEU false and ASNNumber 0 (empty values are not copied)', () => {
    const { pipeline } = hubPipeline(enrichers);
    expect(parsed(pipeline, '8.8.8.8')).toEqual({ source_ip: '8.8.8.8', IsInEU: 'false', ASNNumber: '0' });
  });

  it('skips private sources (its filter) and runs without databases, enriching nothing', () => {
    const { pipeline } = hubPipeline(enrichers);
    expect(parsed(pipeline, '192.168.1.1')).toEqual({ source_ip: '192.168.1.1' });
    const bare = hubPipeline(createGeoIpEnrichers({}));
    expect(bare.warnings).toEqual([]);
    expect(parsed(bare.pipeline, '1.2.3.4')).toEqual({ source_ip: '1.2.3.4' });
  });
});

describe('GeoIP expression helpers', () => {
  function run(src: string, ip: string, fns: Record<string, ExprFunction> = helpers): unknown {
    return compileExpr(src, { variables: ['ip'], functions: fns, regex: compileRegex }).run({ ip });
  }

  it('GeoIPEnrich returns the City record with geoip2’s field names', () => {
    expect(run('GeoIPEnrich(ip).Country.IsoCode', '1.2.3.4')).toBe('FR');
    expect(run('GeoIPEnrich(ip).Country.IsInEuropeanUnion', '1.2.3.4')).toBe(true);
    expect(run('GeoIPEnrich(ip).City.Names.en', '1.2.3.4')).toBe('Paris');
    expect(run('GeoIPEnrich(ip).City.Names.ja', '1.2.3.4')).toBe('');
    expect(run('GeoIPEnrich(ip).Continent.Code', '1.2.3.4')).toBe('EU');
    expect(run('GeoIPEnrich(ip).Location.Latitude', '1.2.3.4')).toBe(48.8582);
    expect(run('GeoIPEnrich(ip).Location.TimeZone', '1.2.3.4')).toBe('Europe/Paris');
    expect(run('GeoIPEnrich(ip).Location.AccuracyRadius', '1.2.3.4')).toBe(20);
    expect(run('GeoIPEnrich(ip).Postal.Code', '1.2.3.4')).toBe('75001');
    expect(run('GeoIPEnrich(ip).Subdivisions[0].IsoCode', '1.2.3.4')).toBe('IDF');
    expect(run('GeoIPEnrich(ip).RegisteredCountry.IsoCode', '81.2.69.1')).toBe('GB');
    expect(run('GeoIPEnrich(ip).RepresentedCountry.Type', '198.51.100.1')).toBe('military');
    expect(run('GeoIPEnrich(ip).Country.IsoCode', '2001:db8:1::1')).toBe('DE');
    expect(run('type(GeoIPEnrich(ip))', '1.2.3.4')).toBe('*geoip2.City');
  });

  it('GeoIPEnrich returns the zero record for an address in no network', () => {
    expect(run('GeoIPEnrich(ip).Country.IsoCode', '8.8.8.8')).toBe('');
    expect(run('GeoIPEnrich(ip).Location.Latitude', '8.8.8.8')).toBe(0);
    expect(run('len(GeoIPEnrich(ip).Subdivisions)', '8.8.8.8')).toBe(0);
  });

  it('GeoIPASNEnrich returns the ASN record', () => {
    expect(run('GeoIPASNEnrich(ip).AutonomousSystemNumber', '1.2.3.4')).toBe(64501);
    expect(run('GeoIPASNEnrich(ip).AutonomousSystemOrganization', '1.2.3.4')).toBe('Example Hosting');
    expect(run('GeoIPASNEnrich(ip).AutonomousSystemNumber', '9.9.9.9')).toBe(0);
  });

  it('GeoIPRangeEnrich returns the network as a *net.IPNet, nil when no network holds the address', () => {
    expect(run('GeoIPRangeEnrich(ip).String()', '1.2.3.4')).toBe('1.2.3.0/24');
    expect(run('string(GeoIPRangeEnrich(ip))', '1.2.3.4')).toBe('1.2.3.0/24');
    expect(run('string(GeoIPRangeEnrich(ip).IP)', '1.2.3.4')).toBe('1.2.3.0');
    expect(run('string(GeoIPRangeEnrich(ip).Mask)', '1.2.200.1')).toBe('ffff8000');
    expect(run('string(GeoIPRangeEnrich(ip))', '2001:db8::5')).toBe('2001:db8::/32');
    expect(run('string(GeoIPRangeEnrich(ip).Mask)', '2001:db8::5')).toBe('ffffffff000000000000000000000000');
    expect(run('GeoIPRangeEnrich(ip) == nil', '8.8.8.8')).toBe(true);
  });

  it('fails the evaluation when the argument is not an IP address, as CrowdSec’s helpers return an error', () => {
    for (const name of ['GeoIPEnrich', 'GeoIPASNEnrich', 'GeoIPRangeEnrich']) {
      expect(() => run(`${name}(ip)`, 'not-an-ip')).toThrow(ExprRuntimeError);
      expect(() => run(`${name}(ip)`, 'not-an-ip')).toThrow(/unable to parse IP/);
    }
  });

  it('return nil when the databases are not loaded', () => {
    const none = geoipHelpers({});
    for (const name of ['GeoIPEnrich', 'GeoIPASNEnrich', 'GeoIPRangeEnrich']) expect(run(`${name}(ip) == nil`, '1.2.3.4', none)).toBe(true);
  });
});

describe('opening the databases', () => {
  it('warns, naming the missing file and how to get it, and then enriches nothing (CrowdSec goes on without GeoIP)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'herd-geoip-empty-'));
    try {
      const warnings: string[] = [];
      const dbs = openGeoIpDatabases({ ...geoIpDataFiles(empty), warn: (m) => warnings.push(m) });
      expect(dbs.city).toBeNull();
      expect(dbs.asn).toBeNull();
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain(join(empty, 'GeoLite2-City.mmdb'));
      expect(warnings[1]).toContain(join(empty, 'GeoLite2-ASN.mmdb'));
      for (const w of warnings) expect(w).toMatch(/herd hub update/);
      expect(all('1.2.3.4', createGeoIpEnrichers(dbs))).toEqual({});
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('keeps the lookups of the database that is there when the other is missing', () => {
    const warnings: string[] = [];
    const dbs = openGeoIpDatabases({ asnDb: join(dir, GEOIP_ASN_FILE), cityDb: join(dir, 'absent.mmdb'), warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(all('1.2.3.4', createGeoIpEnrichers(dbs))).toEqual(HOSTING);
  });

  it('refuses at start-up a file that is not a MaxMind DB, or is cut short', () => {
    const bad = join(dir, 'garbage.mmdb');
    writeFileSync(bad, 'this is not a database\n'.repeat(20));
    expect(() => openGeoIpDatabases({ cityDb: bad })).toThrow(expect.objectContaining({ code: 'HERD_GEOIP_DB_INVALID' }));
    expect(() => openGeoIpDatabases({ cityDb: bad })).toThrow(new RegExp(`${bad}.*herd hub update`));
    const whole = readFileSync(join(dir, GEOIP_CITY_FILE));
    const cut = join(dir, 'cut.mmdb');
    writeFileSync(cut, Buffer.concat([whole.subarray(0, 40), whole.subarray(whole.length - 200)]));
    expect(() => openGeoIpDatabases({ cityDb: cut })).toThrow(expect.objectContaining({ code: 'HERD_GEOIP_DB_INVALID' }));
    const v3 = join(dir, 'v3.mmdb');
    writeMmdb(v3, { databaseType: 'GeoLite2-City', networks: CITY_NETWORKS, majorVersion: 3 });
    expect(() => openGeoIpDatabases({ cityDb: v3 })).toThrow(/format version 3/);
  });

  it('refuses at start-up a database of the wrong type in a slot', () => {
    expect(() => openGeoIpDatabases({ cityDb: join(dir, GEOIP_ASN_FILE) })).toThrow(
      expect.objectContaining({ code: 'HERD_GEOIP_DB_TYPE', message: expect.stringContaining('GeoLite2-ASN database') }),
    );
    expect(() => openGeoIpDatabases({ asnDb: join(dir, GEOIP_CITY_FILE) })).toThrow(expect.objectContaining({ code: 'HERD_GEOIP_DB_TYPE' }));
  });

  it('answers nothing for an IPv6 address in an IPv4-only database, and the helper says why', () => {
    const networks = ASN_NETWORKS.filter((n) => !n.network.includes(':'));
    const v4 = MmdbDatabase.fromBuffer(buildMmdb({ databaseType: 'GeoLite2-ASN', ipVersion: 4, networks }), 'v4.mmdb');
    const dbs = new GeoIpDatabases(null, v4);
    expect(all('1.2.3.4', createGeoIpEnrichers(dbs))).toEqual(HOSTING);
    expect(all('2001:db8::1', createGeoIpEnrichers(dbs))).toEqual({});
    expect(() => geoipHelpers(dbs).GeoIPASNEnrich!('2001:db8::1')).toThrow(/IPv6 address in an IPv4-only database/);
  });
});

describe('record sizes', () => {
  it('reads 24-, 28- and 32-bit trees, including records whose values need more than 24 bits', () => {
    const probes = ['1.2.3.4', '1.2.200.1', '1.2.2.1', '81.2.69.1', '2001:db8::1', '8.8.8.8', '::1'];
    const expected = probes.map((ip) => all(ip));
    for (const recordSize of [24, 28, 32] as const) {
      // 17 MB of unused data first: every record pointer is above 2^24.
      const dataPadding = recordSize === 24 ? 0 : 17_000_000;
      const bytes = buildMmdb({ databaseType: 'GeoLite2-ASN', networks: ASN_NETWORKS, recordSize, dataPadding });
      const city = MmdbDatabase.fromBuffer(readFileSync(join(dir, GEOIP_CITY_FILE)), 'city');
      const e = createGeoIpEnrichers(new GeoIpDatabases(city, MmdbDatabase.fromBuffer(bytes, `asn-${recordSize}`)));
      expect(probes.map((ip) => all(ip, e))).toEqual(expected);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: in a database of disjoint networks, every address gets the record and range of the
// network that holds it, and every other address the zero record and no range; the tree walk
// stops where mmdb-lib's own lookup stops.

interface GenNetwork {
  net: IPNetwork;
  text: string;
}

const word = fc.integer({ min: 0, max: 0xffffffff });
const v4Network = fc.tuple(word, fc.integer({ min: 1, max: 32 })).map(([n, p]) => `${formatIP(ipv4FromNumber(n))}/${p}`);
// IPv6 networks inside 2000::/3, so none covers the IPv4 subtree at ::/96.
const v6Network = fc
  .tuple(fc.integer({ min: 0x20000000, max: 0x3fffffff }), word, word, word, fc.integer({ min: 3, max: 128 }))
  .map(([a, b, c, d, p]) => `${formatIP(ipFromWords(a, b, c, d))}/${p}`);

function disjoint(candidates: string[]): GenNetwork[] {
  const kept: GenNetwork[] = [];
  for (const text of candidates) {
    const net = parseCIDR(text)!.network;
    if (kept.some((k) => k.net.contains(net.first) || net.contains(k.net.first))) continue;
    kept.push({ net, text: net.toString() });
  }
  return kept;
}

/** An address inside `net`: its first address with random host bits. */
function inside(net: IPNetwork, r: readonly number[]): string {
  if (net.version === 4) {
    const host = net.prefix === 32 ? 0 : (0xffffffff >>> net.prefix) >>> 0;
    return formatIP(ipv4FromNumber((net.first.w3 | (r[3]! & host)) >>> 0));
  }
  const w = [net.first.w0, net.first.w1, net.first.w2, net.first.w3];
  for (let i = 0; i < 4; i++) {
    const bits = Math.min(32, Math.max(0, net.prefix - i * 32));
    const host = bits === 32 ? 0 : (0xffffffff >>> bits) >>> 0;
    w[i] = (w[i]! | (r[i]! & host)) >>> 0;
  }
  return formatIP(ipFromWords(w[0]!, w[1]!, w[2]!, w[3]!));
}

describe('lookups over generated databases (property)', () => {
  it('gives every address inside a written network that network’s record and SourceRange, and any other address the zero record', () => {
    const words = fc.array(word, { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Network, v6Network), { minLength: 1, maxLength: 12 }),
        fc.constantFrom<24 | 28 | 32>(24, 28, 32),
        fc.array(fc.tuple(fc.nat(), words), { minLength: 1, maxLength: 20 }),
        fc.array(fc.oneof(v4Network, v6Network), { maxLength: 8 }),
        (candidates, recordSize, picks, strays) => {
          const nets = disjoint(candidates);
          const cityBytes = buildMmdb({
            databaseType: 'GeoLite2-City',
            recordSize,
            networks: nets.map((n, i) => ({ network: n.text, data: { country: { iso_code: `C${i}`, is_in_european_union: i % 2 === 0 } } })),
          });
          const asnBytes = buildMmdb({
            databaseType: 'GeoLite2-ASN',
            recordSize,
            networks: nets.map((n, i) => ({ network: n.text, data: { autonomous_system_number: i + 1, autonomous_system_organization: `AS ${i}` } })),
          });
          const dbs = new GeoIpDatabases(MmdbDatabase.fromBuffer(cityBytes, 'city'), MmdbDatabase.fromBuffer(asnBytes, 'asn'));
          const e = createGeoIpEnrichers(dbs);
          const reference = new Reader<Response>(asnBytes);

          const addresses = picks.map(([k, r]) => ({ ip: inside(nets[k % nets.length]!.net, r), expected: k % nets.length }));
          // Addresses anywhere: expected is the network holding them, if any.
          for (const s of strays) {
            const addr = parseCIDR(s)!.ip;
            addresses.push({ ip: formatIP(addr), expected: nets.findIndex((n) => n.net.contains(addr)) });
          }
          for (const { ip, expected } of addresses) {
            const got = all(ip, e);
            if (expected < 0) {
              expect(got).toEqual({ ...ZERO_CITY, ASNNumber: '0', ASNumber: '0', ASNOrg: '' });
              continue;
            }
            expect(got).toEqual({
              IsoCode: `C${expected}`,
              IsInEU: expected % 2 === 0 ? 'true' : 'false',
              Latitude: '0.000000',
              Longitude: '0.000000',
              ASNNumber: String(expected + 1),
              ASNumber: String(expected + 1),
              ASNOrg: `AS ${expected}`,
              SourceRange: nets[expected]!.text,
            });
            const [rec, prefix] = reference.getWithPrefixLength(ip);
            expect(rec).toEqual({ autonomous_system_number: expected + 1, autonomous_system_organization: `AS ${expected}` });
            expect(prefix).toBe(nets[expected]!.net.prefix);
          }
        },
      ),
      { seed: 20250601, numRuns: 150 },
    );
  });
});
