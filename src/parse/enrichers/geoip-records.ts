import { createStringMap, type StringMap } from '../../expr/index.js';

/**
 * Records of MaxMind databases as CrowdSec's Go code sees them. Decoded records are plain objects
 * with MaxMind's snake_case keys; a missing or mistyped field reads as Go's zero value, as the Go
 * decoder leaves it. The classes are the structs CrowdSec's GeoIP helpers return, with the Go field
 * names content reads (`GeoIPEnrich(ip).Country.IsoCode`): geoip2.City, geoip2.ASN and net.IPNet.
 */

export type Rec = Record<string, unknown>;
export const EMPTY: Rec = Object.freeze({});

export function sub(r: Rec, key: string): Rec {
  const v = r[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : EMPTY;
}

export function str(r: Rec, key: string): string {
  const v = r[key];
  return typeof v === 'string' ? v : '';
}

export function num(r: Rec, key: string): number {
  const v = r[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

export function bool(r: Rec, key: string): boolean {
  return r[key] === true;
}

export function asRec(rec: unknown): Rec {
  return typeof rec === 'object' && rec !== null && !Array.isArray(rec) ? (rec as Rec) : EMPTY;
}

function names(r: Rec): StringMap {
  const out = createStringMap();
  const n = sub(r, 'names');
  for (const k of Object.keys(n)) {
    const v = n[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A nested struct of a geoip2 record. */
class GeoStruct {
  static readonly goTypeName: string = 'struct';
}

class GeoNamed extends GeoStruct {
  readonly GeoNameID: number;
  readonly Names: StringMap;
  constructor(r: Rec) {
    super();
    this.GeoNameID = num(r, 'geoname_id');
    this.Names = names(r);
  }
}

class GeoContinent extends GeoNamed {
  readonly Code: string;
  constructor(r: Rec) {
    super(r);
    this.Code = str(r, 'code');
  }
}

class GeoCountry extends GeoNamed {
  readonly IsoCode: string;
  readonly IsInEuropeanUnion: boolean;
  constructor(r: Rec) {
    super(r);
    this.IsoCode = str(r, 'iso_code');
    this.IsInEuropeanUnion = bool(r, 'is_in_european_union');
  }
}

class GeoRepresentedCountry extends GeoCountry {
  readonly Type: string;
  constructor(r: Rec) {
    super(r);
    this.Type = str(r, 'type');
  }
}

class GeoSubdivision extends GeoNamed {
  readonly IsoCode: string;
  constructor(r: Rec) {
    super(r);
    this.IsoCode = str(r, 'iso_code');
  }
}

class GeoLocation extends GeoStruct {
  readonly AccuracyRadius: number;
  readonly Latitude: number;
  readonly Longitude: number;
  readonly MetroCode: number;
  readonly TimeZone: string;
  constructor(r: Rec) {
    super();
    this.AccuracyRadius = num(r, 'accuracy_radius');
    this.Latitude = num(r, 'latitude');
    this.Longitude = num(r, 'longitude');
    this.MetroCode = num(r, 'metro_code');
    this.TimeZone = str(r, 'time_zone');
  }
}

class GeoPostal extends GeoStruct {
  readonly Code: string;
  constructor(r: Rec) {
    super();
    this.Code = str(r, 'code');
  }
}

class GeoTraits extends GeoStruct {
  readonly IsAnonymousProxy: boolean;
  readonly IsAnycast: boolean;
  readonly IsSatelliteProvider: boolean;
  constructor(r: Rec) {
    super();
    this.IsAnonymousProxy = bool(r, 'is_anonymous_proxy');
    this.IsAnycast = bool(r, 'is_anycast');
    this.IsSatelliteProvider = bool(r, 'is_satellite_provider');
  }
}

/** geoip2.City: what `GeoIPEnrich(ip)` returns. */
export class GeoIPCity {
  static readonly goTypeName = '*geoip2.City';
  readonly City: GeoNamed;
  readonly Continent: GeoContinent;
  readonly Country: GeoCountry;
  readonly Location: GeoLocation;
  readonly Postal: GeoPostal;
  readonly RegisteredCountry: GeoCountry;
  readonly RepresentedCountry: GeoRepresentedCountry;
  readonly Subdivisions: GeoSubdivision[];
  readonly Traits: GeoTraits;

  constructor(decoded: unknown) {
    const r = asRec(decoded);
    this.City = new GeoNamed(sub(r, 'city'));
    this.Continent = new GeoContinent(sub(r, 'continent'));
    this.Country = new GeoCountry(sub(r, 'country'));
    this.Location = new GeoLocation(sub(r, 'location'));
    this.Postal = new GeoPostal(sub(r, 'postal'));
    this.RegisteredCountry = new GeoCountry(sub(r, 'registered_country'));
    this.RepresentedCountry = new GeoRepresentedCountry(sub(r, 'represented_country'));
    const subdivisions = r.subdivisions;
    this.Subdivisions = Array.isArray(subdivisions) ? subdivisions.map((s) => new GeoSubdivision(asRec(s))) : [];
    this.Traits = new GeoTraits(sub(r, 'traits'));
  }
}

/** geoip2.ASN: what `GeoIPASNEnrich(ip)` returns. */
export class GeoIPASN {
  static readonly goTypeName = '*geoip2.ASN';
  readonly AutonomousSystemNumber: number;
  readonly AutonomousSystemOrganization: string;
  constructor(decoded: unknown) {
    const r = asRec(decoded);
    this.AutonomousSystemNumber = num(r, 'autonomous_system_number');
    this.AutonomousSystemOrganization = str(r, 'autonomous_system_organization');
  }
}

/** net.IP: prints as Go prints an address. */
class GoNetIP {
  static readonly goTypeName = 'net.IP';
  constructor(private readonly text: string) {}
  String(): string {
    return this.text;
  }
}

/** net.IPMask: prints as hexadecimal, as Go does (`ffffff00`). */
class GoIPMask {
  static readonly goTypeName = 'net.IPMask';
  constructor(private readonly text: string) {}
  String(): string {
    return this.text;
  }
}

/** *net.IPNet: what `GeoIPRangeEnrich(ip)` returns; `String()` is the CIDR text. */
export class GoIPNet {
  static readonly goTypeName = '*net.IPNet';
  readonly IP: GoNetIP;
  readonly Mask: GoIPMask;
  private readonly cidr: string;

  constructor(cidr: string) {
    this.cidr = cidr;
    const slash = cidr.lastIndexOf('/');
    const address = cidr.slice(0, slash);
    const bits = Number(cidr.slice(slash + 1));
    const width = address.includes(':') ? 128 : 32;
    this.IP = new GoNetIP(address);
    let mask = '';
    for (let i = 0; i < width; i += 8) {
      const ones = Math.max(0, Math.min(8, bits - i));
      mask += ((0xff00 >>> ones) & 0xff).toString(16).padStart(2, '0');
    }
    this.Mask = new GoIPMask(mask);
  }

  String(): string {
    return this.cidr;
  }

  Network(): string {
    return 'ip+net';
  }
}
