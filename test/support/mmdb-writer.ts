import { writeFileSync } from 'node:fs';
import { parseCIDR } from '../../src/ip/index.js';

/**
 * A small MaxMind DB (format 2.0) writer for tests: a binary search tree over the networks given,
 * the data section with their records, and the metadata, as the MaxMind DB File Format
 * Specification lays them out. Real GeoLite2 files are large and licensed; tests build the few
 * networks they need instead, then read them back with the same reader herd uses in production.
 *
 * Not a general writer: no merging of sibling networks, no aliases of `::ffff:0:0/96`, and a network
 * inserted later replaces what it overlaps. IPv4 networks of an IPv6 tree live at `::a.b.c.d/(96+n)`,
 * where readers look for them.
 */

/** A value the writer stores with an explicit MaxMind type (plain numbers become uint32 or double). */
export class MmdbTyped {
  constructor(
    readonly type: 'double' | 'float' | 'uint16' | 'uint32' | 'int32' | 'uint64' | 'uint128' | 'bytes',
    readonly value: number | bigint | Uint8Array,
  ) {}
}

export type MmdbValue = string | boolean | number | MmdbTyped | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

/** Explicit types, e.g. `double(48)` for a latitude that happens to be integral. */
export const mmdbType = {
  double: (n: number) => new MmdbTyped('double', n),
  float: (n: number) => new MmdbTyped('float', n),
  uint16: (n: number) => new MmdbTyped('uint16', n),
  uint32: (n: number) => new MmdbTyped('uint32', n),
  int32: (n: number) => new MmdbTyped('int32', n),
  uint64: (n: bigint) => new MmdbTyped('uint64', n),
  uint128: (n: bigint) => new MmdbTyped('uint128', n),
  bytes: (b: Uint8Array) => new MmdbTyped('bytes', b),
};

export interface MmdbNetwork {
  /** CIDR text: `1.2.3.0/24`, `2001:db8::/32`. */
  network: string;
  data: MmdbValue;
}

export interface MmdbSpec {
  /** `GeoLite2-City`, `GeoLite2-ASN`, … */
  databaseType: string;
  networks: readonly MmdbNetwork[];
  /** 6 (default) or 4. */
  ipVersion?: 4 | 6;
  /** Bits per record: 24 (default), 28 or 32. */
  recordSize?: 24 | 28 | 32;
  languages?: string[];
  description?: Record<string, string>;
  /** Seconds since the epoch. */
  buildEpoch?: number;
  /** Format version written in the metadata (2 unless a test wants a reader to refuse it). */
  majorVersion?: number;
  /**
   * Unused bytes at the start of the data section, to push record pointers past 2^24 and so use
   * the high bits of 28- and 32-bit records, as large real databases do.
   */
  dataPadding?: number;
}

/** The metadata section starts after the last occurrence of this marker. */
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const DATA_SEPARATOR = 16;

const TYPE = {
  utf8: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

class TrieNode {
  readonly children: [Slot, Slot] = [null, null];
}

class Leaf {
  constructor(readonly data: MmdbValue) {}
}

type Slot = TrieNode | Leaf | null;

/** Builds the bytes of a MaxMind DB file holding `spec.networks`. */
export function buildMmdb(spec: MmdbSpec): Buffer {
  const ipVersion = spec.ipVersion ?? 6;
  const recordSize = spec.recordSize ?? 24;
  const root = new TrieNode();
  for (const entry of spec.networks) insert(root, entry, ipVersion);

  // Number the nodes breadth first: the root is node 0.
  const nodes: TrieNode[] = [root];
  const index = new Map<TrieNode, number>([[root, 0]]);
  for (let i = 0; i < nodes.length; i++) {
    for (const child of nodes[i]!.children) {
      if (child instanceof TrieNode && !index.has(child)) {
        index.set(child, nodes.length);
        nodes.push(child);
      }
    }
  }
  const nodeCount = nodes.length;

  // The data section: each distinct record once.
  const data = new ByteSink();
  if (spec.dataPadding) data.bytes(Buffer.alloc(spec.dataPadding));
  const offsets = new Map<MmdbValue, number>();
  for (const node of nodes) {
    for (const child of node.children) {
      if (child instanceof Leaf && !offsets.has(child.data)) {
        offsets.set(child.data, data.length);
        encode(child.data, data);
      }
    }
  }

  const recordValue = (slot: Slot): number => {
    if (slot === null) return nodeCount;
    if (slot instanceof TrieNode) return index.get(slot)!;
    return nodeCount + DATA_SEPARATOR + offsets.get(slot.data)!;
  };

  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  for (let i = 0; i < nodeCount; i++) {
    const left = recordValue(nodes[i]!.children[0]);
    const right = recordValue(nodes[i]!.children[1]);
    if (left >= 2 ** recordSize || right >= 2 ** recordSize) throw new Error(`mmdb-writer: a record does not fit in ${recordSize} bits`);
    writeNode(tree, i * nodeBytes, recordSize, left, right);
  }

  const metadata = new ByteSink();
  metadata.bytes(METADATA_MARKER);
  encode(
    {
      binary_format_major_version: mmdbType.uint16(spec.majorVersion ?? 2),
      binary_format_minor_version: mmdbType.uint16(0),
      build_epoch: mmdbType.uint64(BigInt(spec.buildEpoch ?? 1_700_000_000)),
      database_type: spec.databaseType,
      description: spec.description ?? { en: `herd test ${spec.databaseType} database` },
      ip_version: mmdbType.uint16(ipVersion),
      languages: spec.languages ?? ['en'],
      node_count: mmdbType.uint32(nodeCount),
      record_size: mmdbType.uint16(recordSize),
    },
    metadata,
  );

  return Buffer.concat([tree, Buffer.alloc(DATA_SEPARATOR), data.toBuffer(), metadata.toBuffer()]);
}

/** Writes a MaxMind DB file at `path`. */
export function writeMmdb(path: string, spec: MmdbSpec): void {
  writeFileSync(path, buildMmdb(spec));
}

function insert(root: TrieNode, entry: MmdbNetwork, ipVersion: 4 | 6): void {
  const parsed = parseCIDR(entry.network);
  if (!parsed) throw new Error(`mmdb-writer: ${entry.network} is not a CIDR network`);
  const net = parsed.network;
  let words: number[];
  let prefix: number;
  if (ipVersion === 4) {
    if (net.version !== 4) throw new Error(`mmdb-writer: ${entry.network} is IPv6 but the database is IPv4`);
    words = [net.first.w3];
    prefix = net.prefix;
  } else if (net.version === 4) {
    words = [0, 0, 0, net.first.w3];
    prefix = net.prefix + 96;
  } else {
    words = [net.first.w0, net.first.w1, net.first.w2, net.first.w3];
    prefix = net.prefix;
  }
  if (prefix === 0) throw new Error('mmdb-writer: a network must have at least one bit of prefix');
  const bit = (depth: number): 0 | 1 => ((words[depth >>> 5]! >>> (31 - (depth & 31))) & 1) as 0 | 1;
  let node = root;
  for (let depth = 0; depth < prefix - 1; depth++) {
    const b = bit(depth);
    const child = node.children[b];
    if (child instanceof TrieNode) {
      node = child;
      continue;
    }
    // Going through a leaf (a larger network) splits it: both halves keep its record.
    const split = new TrieNode();
    if (child !== null) {
      split.children[0] = child;
      split.children[1] = child;
    }
    node.children[b] = split;
    node = split;
  }
  node.children[bit(prefix - 1)] = new Leaf(entry.data);
}

function writeNode(tree: Buffer, at: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  switch (recordSize) {
    case 24:
      tree.writeUIntBE(left, at, 3);
      tree.writeUIntBE(right, at + 3, 3);
      return;
    case 28:
      // The middle byte holds the top four bits of the left record, then those of the right one.
      tree.writeUIntBE(left & 0xffffff, at, 3);
      tree[at + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
      tree.writeUIntBE(right & 0xffffff, at + 4, 3);
      return;
    case 32:
      tree.writeUInt32BE(left, at);
      tree.writeUInt32BE(right, at + 4);
      return;
  }
}

class ByteSink {
  private readonly parts: Buffer[] = [];
  length = 0;

  bytes(b: Uint8Array): void {
    const buf = Buffer.from(b);
    this.parts.push(buf);
    this.length += buf.length;
  }

  byte(...b: number[]): void {
    this.bytes(Uint8Array.from(b));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The control byte(s): type in the top three bits (0 = extended, then a type byte), then the size. */
function control(out: ByteSink, type: number, size: number): void {
  const ext = type > 7;
  const head = ext ? 0 : type << 5;
  const typeByte = ext ? [type - 7] : [];
  if (size < 29) {
    out.byte(head | size, ...typeByte);
  } else if (size < 29 + 256) {
    out.byte(head | 29, ...typeByte, size - 29);
  } else if (size < 285 + 65536) {
    const s = size - 285;
    out.byte(head | 30, ...typeByte, s >>> 8, s & 0xff);
  } else {
    const s = size - 65821;
    out.byte(head | 31, ...typeByte, s >>> 16, (s >>> 8) & 0xff, s & 0xff);
  }
}

/** An unsigned integer in as few big-endian bytes as it needs (zero takes none). */
function uintBytes(n: bigint): number[] {
  const out: number[] = [];
  while (n > 0n) {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return out;
}

function encode(v: MmdbValue, out: ByteSink): void {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    control(out, TYPE.utf8, b.length);
    out.bytes(b);
    return;
  }
  if (typeof v === 'boolean') {
    control(out, TYPE.boolean, v ? 1 : 0);
    return;
  }
  if (typeof v === 'number') {
    encode(Number.isInteger(v) && v >= 0 && v < 2 ** 32 ? mmdbType.uint32(v) : mmdbType.double(v), out);
    return;
  }
  if (v instanceof MmdbTyped) {
    encodeTyped(v, out);
    return;
  }
  if (Array.isArray(v)) {
    control(out, TYPE.array, v.length);
    for (const item of v) encode(item as MmdbValue, out);
    return;
  }
  const entries = Object.entries(v as Record<string, MmdbValue>);
  control(out, TYPE.map, entries.length);
  for (const [key, value] of entries) {
    encode(key, out);
    encode(value, out);
  }
}

function encodeTyped(v: MmdbTyped, out: ByteSink): void {
  switch (v.type) {
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v.value as number);
      control(out, TYPE.double, 8);
      out.bytes(b);
      return;
    }
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatBE(v.value as number);
      control(out, TYPE.float, 4);
      out.bytes(b);
      return;
    }
    case 'bytes': {
      const b = v.value as Uint8Array;
      control(out, TYPE.bytes, b.length);
      out.bytes(b);
      return;
    }
    case 'int32': {
      // Stored as up to four bytes of two's complement; a negative number takes all four.
      const n = v.value as number;
      const b = n < 0 ? uintBytes(BigInt(n >>> 0)) : uintBytes(BigInt(n));
      control(out, TYPE.int32, b.length);
      out.byte(...b);
      return;
    }
    default: {
      const n = typeof v.value === 'bigint' ? v.value : BigInt(v.value as number);
      const limit = { uint16: 16n, uint32: 32n, uint64: 64n, uint128: 128n }[v.type];
      if (n < 0n || n >= 1n << limit) throw new Error(`mmdb-writer: ${n} does not fit in ${v.type}`);
      const b = uintBytes(n);
      control(out, TYPE[v.type], b.length);
      out.byte(...b);
    }
  }
}
