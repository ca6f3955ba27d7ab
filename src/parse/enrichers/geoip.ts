import { join } from 'node:path';
import { HerdError } from '../../core/index.js';
import { formatGoFloat, type ExprFunction } from '../../expr/index.js';
import { parseIP, type IPAddress } from '../../ip/index.js';
import type { Event } from '../event.js';
import type { Enricher } from './enricher.js';
import { asRec, bool, EMPTY, GeoIPASN, GeoIPCity, GoIPNet, num, str, sub } from './geoip-records.js';
import { LOOKUP_ERROR, MmdbDatabase, NOT_FOUND, RecordCache } from './mmdb.js';

/**
 * GeoIP enrichment from MaxMind DB files, as CrowdSec does it (pkg/parser/enrich_geoip.go and
 * pkg/exprhelpers/geoip.go): the `GeoIpCity`, `GeoIpASN` and `IpToRange` methods of parser statics,
 * used by the hub's crowdsecurity/geoip-enrich, and the expression helpers `GeoIPEnrich`,
 * `GeoIPASNEnrich` and `GeoIPRangeEnrich`.
 *
 * What the methods write into `evt.Enriched`, exactly as CrowdSec does:
 * - GeoIpCity: `IsoCode` (country, else registered country, else represented country, else ""),
 *   `IsInEU` ("true"/"false", from the same country), `Latitude` and `Longitude` (Go's `%f`: six
 *   decimals). An address in no network of the database gets the zero record: "", "false",
 *   "0.000000", "0.000000". CrowdSec writes no `GeoCoords` (the hub parser reads it and finds none).
 * - GeoIpASN: `ASNNumber` and `ASNumber` (the number in decimal), `ASNOrg`; "0", "0", "" when not found.
 * - IpToRange: `SourceRange`, the network of the ASN database that holds the address (`1.2.3.0/24`);
 *   nothing when no network holds it.
 * An empty or unparsable value, or a missing database, writes nothing.
 *
 * A missing database file does not stop start-up, as in CrowdSec ("GeoIP databases are not
 * mandatory"): `warn` is told which file is missing and how to get it, and its lookups give nothing.
 * A file that is there but unreadable, not a MaxMind DB or of the wrong type is a start-up error.
 */

/** The file names CrowdSec reads in its data directory (the hub's geoip-enrich downloads them). */
export const GEOIP_CITY_FILE = 'GeoLite2-City.mmdb';
export const GEOIP_ASN_FILE = 'GeoLite2-ASN.mmdb';

export interface GeoIpOptions {
  /** The City database (CrowdSec: `<data_dir>/GeoLite2-City.mmdb`); absent: city lookups are off. */
  cityDb?: string;
  /** The ASN database, also used for IpToRange (`<data_dir>/GeoLite2-ASN.mmdb`); absent: off. */
  asnDb?: string;
  /** Told once per configured file that is missing (CrowdSec logs a warning and goes on). */
  warn?: (message: string) => void;
}

/** The databases opened once, to share between the enrichers and the expression helpers. */
export class GeoIpDatabases {
  constructor(
    readonly city: MmdbDatabase | null,
    readonly asn: MmdbDatabase | null,
  ) {}
}

/** The database paths CrowdSec uses for a data directory. */
export function geoIpDataFiles(dataDir: string): { cityDb: string; asnDb: string } {
  return { cityDb: join(dataDir, GEOIP_CITY_FILE), asnDb: join(dataDir, GEOIP_ASN_FILE) };
}

const CITY_TYPES = /City|Enterprise|DBIP-Country/;
const ASN_TYPES = /ASN|ISP/;

/** Opens the configured databases; throws a HerdError for a file that is there but not usable. */
export function openGeoIpDatabases(opts: GeoIpOptions): GeoIpDatabases {
  const city = openOne(opts.cityDb, 'City', CITY_TYPES, 'GeoIpCity and GeoIPEnrich()', opts.warn);
  const asn = openOne(opts.asnDb, 'ASN', ASN_TYPES, 'GeoIpASN, IpToRange, GeoIPASNEnrich() and GeoIPRangeEnrich()', opts.warn);
  return new GeoIpDatabases(city, asn);
}

function openOne(
  path: string | undefined,
  kind: string,
  types: RegExp,
  users: string,
  warn: ((message: string) => void) | undefined,
): MmdbDatabase | null {
  if (path === undefined || path === '') return null;
  let db: MmdbDatabase;
  try {
    db = MmdbDatabase.open(path);
  } catch (err) {
    if (err instanceof HerdError && err.code === 'HERD_GEOIP_DB_MISSING') {
      warn?.(
        `GeoIP ${kind} database ${path} is missing: ${users} give nothing until it is there. ` +
          'Install or upgrade the crowdsecurity/geoip-enrich parser (herd hub update) to download it, or configure the path of an existing copy.',
      );
      return null;
    }
    throw err;
  }
  if (!types.test(db.databaseType)) {
    throw new HerdError(
      'HERD_GEOIP_DB_TYPE',
      `${path} is a ${db.databaseType} database, where a ${kind} database (GeoLite2-${kind}.mmdb) is expected; check the configured path`,
    );
  }
  return db;
}

function databasesOf(source: GeoIpOptions | GeoIpDatabases): GeoIpDatabases {
  return source instanceof GeoIpDatabases ? source : openGeoIpDatabases(source);
}

/**
 * The enrichment methods `GeoIpCity`, `GeoIpASN` and `IpToRange`, by name. Pass the databases from
 * `openGeoIpDatabases` to share them with `geoipHelpers`, or the options to open them here.
 */
export function createGeoIpEnrichers(source: GeoIpOptions | GeoIpDatabases): Map<string, Enricher> {
  const dbs = databasesOf(source);
  return new Map<string, Enricher>([
    ['GeoIpCity', cityEnricher(dbs.city)],
    ['GeoIpASN', asnEnricher(dbs.asn)],
    ['IpToRange', rangeEnricher(dbs.asn)],
  ]);
}

const nothing: Enricher = () => {};

interface CityFields {
  IsoCode: string;
  IsInEU: string;
  Latitude: string;
  Longitude: string;
}

interface AsnFields {
  number: string;
  org: string;
}

const ZERO_CITY: CityFields = { IsoCode: '', IsInEU: 'false', Latitude: '0.000000', Longitude: '0.000000' };
const ZERO_ASN: AsnFields = { number: '0', org: '' };

/**
 * Looks `value` up and derives its fields: from the cache by record pointer, else decoded once.
 * Null when nothing is written (not an address, or the database cannot answer).
 */
function lookupFields<T>(db: MmdbDatabase, value: string, cache: RecordCache<T>, zero: T, derive: (rec: unknown) => T): T | null {
  const ip = parseIP(value);
  if (ip === null) return null;
  const ptr = db.find(ip);
  if (ptr === NOT_FOUND) return zero;
  if (ptr === LOOKUP_ERROR) return null;
  let fields = cache.get(ptr);
  if (fields === undefined) {
    const rec = db.decode(ip);
    if (rec === null) return null;
    fields = derive(rec);
    cache.set(ptr, fields);
  }
  return fields;
}

// Hot path: one call per event; the fields of a record are derived once, and the last address's
// answer is kept, since lines come in bursts from one source.
function cityEnricher(db: MmdbDatabase | null): Enricher {
  if (db === null) return nothing;
  const cache = new RecordCache<CityFields>();
  let lastValue = '';
  let last: CityFields | null = null;
  return (value: string, evt: Event) => {
    if (value === '') return;
    if (value !== lastValue) {
      last = lookupFields(db, value, cache, ZERO_CITY, cityFields);
      lastValue = value;
    }
    if (last === null) return;
    const e = evt.Enriched;
    e.IsoCode = last.IsoCode;
    e.IsInEU = last.IsInEU;
    e.Latitude = last.Latitude;
    e.Longitude = last.Longitude;
  };
}

function asnEnricher(db: MmdbDatabase | null): Enricher {
  if (db === null) return nothing;
  const cache = new RecordCache<AsnFields>();
  let lastValue = '';
  let last: AsnFields | null = null;
  return (value: string, evt: Event) => {
    if (value === '') return;
    if (value !== lastValue) {
      last = lookupFields(db, value, cache, ZERO_ASN, asnFields);
      lastValue = value;
    }
    if (last === null) return;
    const e = evt.Enriched;
    e.ASNNumber = last.number;
    e.ASNumber = last.number;
    e.ASNOrg = last.org;
  };
}

function rangeEnricher(db: MmdbDatabase | null): Enricher {
  if (db === null) return nothing;
  let lastValue = '';
  let last: string | null = null;
  return (value: string, evt: Event) => {
    if (value === '') return;
    if (value !== lastValue) {
      last = null;
      const ip = parseIP(value);
      if (ip !== null && db.find(ip) > 0) last = db.networkText(ip);
      lastValue = value;
    }
    if (last !== null) evt.Enriched.SourceRange = last;
  };
}

function cityFields(decoded: unknown): CityFields {
  const rec = asRec(decoded);
  let country = sub(rec, 'country');
  if (str(country, 'iso_code') === '') country = sub(rec, 'registered_country');
  if (str(country, 'iso_code') === '') country = sub(rec, 'represented_country');
  const isoCode = str(country, 'iso_code');
  const location = sub(rec, 'location');
  return {
    IsoCode: isoCode,
    IsInEU: isoCode !== '' && bool(country, 'is_in_european_union') ? 'true' : 'false',
    Latitude: formatGoFloat(num(location, 'latitude'), 'f', 6),
    Longitude: formatGoFloat(num(location, 'longitude'), 'f', 6),
  };
}

function asnFields(decoded: unknown): AsnFields {
  const rec = asRec(decoded);
  return { number: String(num(rec, 'autonomous_system_number')), org: str(rec, 'autonomous_system_organization') };
}

// ---------------------------------------------------------------------------------------------
// Expression helpers.

function ipArgument(name: string, args: readonly unknown[]): IPAddress {
  const v = args[0];
  if (typeof v !== 'string') throw new Error(`${name} expects an IP address as a string, got ${v === null || v === undefined ? 'nil' : typeof v}`);
  const ip = parseIP(v);
  if (ip === null) throw new Error(`${name}: ParseAddr(${JSON.stringify(v)}): unable to parse IP`);
  return ip;
}

function lookupError(name: string, ip: IPAddress, db: MmdbDatabase): Error {
  return db.ipVersion === 4 && ip.version === 6
    ? new Error(`${name}: error looking up '${ip.toString()}': you attempted to look up an IPv6 address in an IPv4-only database`)
    : new Error(`${name}: invalid node in the search tree of ${db.path}`);
}

const makeCity = (rec: unknown): GeoIPCity => new GeoIPCity(rec);
const makeAsn = (rec: unknown): GeoIPASN => new GeoIPASN(rec);

/**
 * `GeoIPEnrich`, `GeoIPASNEnrich` and `GeoIPRangeEnrich` for `compileExpr({ functions })`. Like
 * CrowdSec's: nil when the database is not loaded; an address in no network gives the zero City or
 * ASN record and a nil range; an argument that is not an IP address is an evaluation error.
 */
export function geoipHelpers(source: GeoIpOptions | GeoIpDatabases): Record<string, ExprFunction> {
  const { city, asn } = databasesOf(source);
  const zeroCity = new GeoIPCity(EMPTY);
  const zeroAsn = new GeoIPASN(EMPTY);
  const cities = new RecordCache<GeoIPCity>();
  const asns = new RecordCache<GeoIPASN>();

  const record = <T>(name: string, db: MmdbDatabase, args: readonly unknown[], cache: RecordCache<T>, zero: T, make: (rec: unknown) => T): T => {
    const ip = ipArgument(name, args);
    const ptr = db.find(ip);
    if (ptr === NOT_FOUND) return zero;
    if (ptr === LOOKUP_ERROR) throw lookupError(name, ip, db);
    let out = cache.get(ptr);
    if (out === undefined) {
      const rec = db.decode(ip);
      if (rec === null) throw new Error(`${name}: cannot decode the record of ${ip.toString()} in ${db.path}`);
      out = make(rec);
      cache.set(ptr, out);
    }
    return out;
  };

  return {
    GeoIPEnrich: (...args: unknown[]) => (city === null ? null : record('GeoIPEnrich', city, args, cities, zeroCity, makeCity)),
    GeoIPASNEnrich: (...args: unknown[]) => (asn === null ? null : record('GeoIPASNEnrich', asn, args, asns, zeroAsn, makeAsn)),
    GeoIPRangeEnrich: (...args: unknown[]) => {
      if (asn === null) return null;
      const ip = ipArgument('GeoIPRangeEnrich', args);
      const ptr = asn.find(ip);
      if (ptr === NOT_FOUND) return null;
      if (ptr === LOOKUP_ERROR) throw lookupError('GeoIPRangeEnrich', ip, asn);
      return new GoIPNet(asn.networkText(ip));
    },
  };
}
