import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';
import { errorMessage, HerdError } from '../../core/index.js';
import { networkOf, type IPAddress } from '../../ip/index.js';

/**
 * One MaxMind DB file (GeoLite2-City, GeoLite2-ASN, …), read into memory once. `mmdb-lib` parses the
 * metadata and decodes records; the search tree is walked here, over the words of herd's parsed
 * `IPAddress`, so a lookup allocates nothing and follows Go's address rules (an IPv4-mapped IPv6
 * address is the IPv4 address, as in CrowdSec's maxminddb reader). Records are decoded only on a
 * cache miss: callers keep what they derive from a record in a `RecordCache` keyed by its pointer.
 */

/** `find` answers: the address is in no network of the database. */
export const NOT_FOUND = 0;
/** `find` answers: the database cannot answer (an IPv6 address in an IPv4 database, a broken tree). */
export const LOOKUP_ERROR = -1;

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const DATA_SEPARATOR = 16;

export class MmdbDatabase {
  readonly path: string;
  readonly databaseType: string;
  readonly ipVersion: 4 | 6;
  /**
   * The prefix length where the last `find` stopped, counted over the address's own width (0..32
   * for IPv4, 0..128 for IPv6): the network of the record found, or the empty network around the
   * address when nothing was.
   */
  lastPrefix = 0;

  /** The file's bytes, read as the search tree. */
  private readonly tree: Uint8Array;
  private readonly reader: Reader<Response>;
  private readonly nodeCount: number;
  private readonly recordSize: 24 | 28 | 32;
  private readonly ipv4Start: number;
  private readonly ipv4StartDepth: number;

  private constructor(path: string, bytes: Buffer) {
    this.path = path;
    this.tree = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    const invalid = (why: string): HerdError =>
      new HerdError(
        'HERD_GEOIP_DB_INVALID',
        `${path} is not a usable MaxMind DB file (${why}); download it again (herd hub update) or fix the configured path`,
      );
    if (bytes.lastIndexOf(METADATA_MARKER) < 0) throw invalid('no metadata section');
    let reader: Reader<Response>;
    try {
      reader = new Reader<Response>(bytes);
    } catch (err) {
      throw invalid(errorMessage(err));
    }
    const m = reader.metadata;
    if (m.binaryFormatMajorVersion !== 2) throw invalid(`format version ${String(m.binaryFormatMajorVersion)}, herd reads version 2`);
    if (m.ipVersion !== 4 && m.ipVersion !== 6) throw invalid(`ip_version ${String(m.ipVersion)}`);
    if (!Number.isInteger(m.nodeCount) || m.nodeCount <= 0) throw invalid(`node_count ${String(m.nodeCount)}`);
    if (m.searchTreeSize + DATA_SEPARATOR > bytes.length) throw invalid('the search tree is longer than the file');
    if (typeof m.databaseType !== 'string') throw invalid('no database_type');
    this.reader = reader;
    this.databaseType = m.databaseType;
    this.ipVersion = m.ipVersion;
    this.nodeCount = m.nodeCount;
    this.recordSize = m.recordSize as 24 | 28 | 32;
    // IPv4 addresses of an IPv6 tree live at ::/96: the node 96 steps left of the root.
    let node = 0;
    let depth = 0;
    if (m.ipVersion === 6) {
      for (; depth < 96 && node < this.nodeCount; depth++) node = this.child(node, 0);
    }
    this.ipv4Start = node;
    this.ipv4StartDepth = depth;
  }

  /** Reads and checks a database file; a HerdError says what is wrong with it. */
  static open(path: string): MmdbDatabase {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new HerdError(
        code === 'ENOENT' ? 'HERD_GEOIP_DB_MISSING' : 'HERD_GEOIP_DB_UNREADABLE',
        `cannot read the GeoIP database ${path}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    return new MmdbDatabase(path, bytes);
  }

  /** A database from bytes already in memory; `name` stands for the path in messages. */
  static fromBuffer(bytes: Buffer, name: string): MmdbDatabase {
    return new MmdbDatabase(name, bytes);
  }

  /**
   * Walks the tree for `ip`: the record's pointer (> 0) when the address is in a network of the
   * database, NOT_FOUND, or LOOKUP_ERROR. Sets `lastPrefix`. Hot path: no allocation.
   */
  find(ip: IPAddress): number {
    const nodeCount = this.nodeCount;
    let node: number;
    let depth: number;
    if (ip.version === 4) {
      node = this.ipv4Start;
      depth = 0;
      const v = ip.w3;
      while (depth < 32 && node < nodeCount) {
        node = this.child(node, (v >>> (31 - depth)) & 1);
        depth++;
      }
    } else {
      if (this.ipVersion === 4) {
        this.lastPrefix = 0;
        return LOOKUP_ERROR;
      }
      node = 0;
      depth = 0;
      // Word by word: 32 steps over w0, then w1, …
      for (let i = 0; i < 4 && node < nodeCount; i++) {
        const w = i === 0 ? ip.w0 : i === 1 ? ip.w1 : i === 2 ? ip.w2 : ip.w3;
        const end = depth + 32;
        while (depth < end && node < nodeCount) {
          node = this.child(node, (w >>> (end - 1 - depth)) & 1);
          depth++;
        }
      }
    }
    this.lastPrefix = depth;
    if (node > nodeCount) return node;
    return node === nodeCount ? NOT_FOUND : LOOKUP_ERROR;
  }

  /**
   * Decodes the record `find(ip)` just found (decoding is slow: cache what you derive from it by
   * pointer). Null when the data section is broken.
   */
  decode(ip: IPAddress): unknown {
    try {
      return this.reader.get(ip.toString());
    } catch {
      return null;
    }
  }

  /**
   * The network where the last `find(ip)` stopped, as Go's `net.IPNet` prints it (`1.2.3.0/24`).
   * As maxminddb-golang does, an IPv4 address answered above the IPv4 subtree gets `::/depth`.
   */
  networkText(ip: IPAddress): string {
    if (ip.version === 4 && this.ipVersion === 6 && this.ipv4StartDepth !== 96) return `::/${this.ipv4StartDepth}`;
    return networkOf(ip, this.lastPrefix)!.toString();
  }

  /** The first (`bit` 0) or second (`bit` 1) record of a node. */
  private child(node: number, bit: number): number {
    const b = this.tree;
    switch (this.recordSize) {
      case 24: {
        const at = node * 6 + bit * 3;
        return (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
      }
      case 28: {
        const at = node * 7;
        const high = bit === 0 ? (b[at + 3]! & 0xf0) << 20 : (b[at + 3]! & 0x0f) << 24;
        const low = at + bit * 4;
        return high | (b[low]! << 16) | (b[low + 1]! << 8) | b[low + 2]!;
      }
      default: {
        const at = node * 8 + bit * 4;
        return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
      }
    }
  }
}

/**
 * What callers derive from records, by record pointer. Bounded: a full cache starts again empty
 * (GeoLite2-City has hundreds of thousands of records; the addresses of a log are far fewer).
 */
export class RecordCache<T> {
  private readonly map = new Map<number, T>();
  constructor(private readonly max = 50_000) {}

  get(pointer: number): T | undefined {
    return this.map.get(pointer);
  }

  set(pointer: number, value: T): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(pointer, value);
  }
}
