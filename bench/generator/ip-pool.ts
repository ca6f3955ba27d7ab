/**
 * Client addresses. Every address is handed out once per corpus (shared on purpose only by NAT
 * users and bot threads), so an IP is never both attacker and benign. Public addresses avoid the
 * private, reserved and documentation ranges and the crawlers' published ranges; private ones
 * (10/8, 192.168/16) are only for internal traffic.
 */
import { HerdError } from '../../src/core/index.js';
import type { Rng } from './rng.js';

// First octets seen for consumer ISPs, hosting/VPS providers and the big clouds. They overlap on
// purpose: attackers and benign API clients live in the same clouds.
const RESIDENTIAL = [
  24, 31, 37, 46, 47, 49, 58, 59, 60, 62, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84,
  85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118,
  119, 120, 121, 122, 123, 124, 125, 151, 171, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 186, 187, 189,
  190, 191, 197, 200, 201, 212, 213, 217, 218, 219, 220, 221, 222,
] as const;
const HOSTING = [
  5, 23, 27, 31, 36, 37, 39, 42, 43, 45, 46, 49, 51, 58, 59, 60, 61, 62, 64, 65, 77, 78, 79, 80, 81, 82, 85, 87, 89,
  91, 92, 93, 94, 95, 101, 103, 104, 106, 107, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,
  123, 124, 125, 128, 134, 139, 141, 142, 143, 144, 146, 147, 149, 150, 152, 154, 156, 158, 159, 161, 162, 164, 165,
  167, 170, 171, 175, 176, 178, 179, 180, 181, 182, 183, 185, 185, 185, 188, 190, 192, 193, 194, 195, 196, 198, 200,
  202, 203, 206, 209, 210, 211, 212, 213, 216, 218, 219, 220, 221, 222, 223,
] as const;
const CLOUD = [3, 13, 15, 18, 20, 34, 35, 44, 52, 54, 104, 130, 137, 138, 141, 143, 146, 147, 157, 159, 161, 164, 165, 167, 168] as const;

export type Network = 'residential' | 'hosting' | 'cloud';

const V6_RESIDENTIAL = [
  '2a01:cb1d', '2a01:e0a', '2a02:8109', '2a02:908', '2a02:a46', '2003:e5', '2003:c6', '2600:1700', '2601:647',
  '2601:18c', '2603:7000', '2604:3d09', '2607:fb90', '2a00:23c7', '2a02:c7c', '2405:201', '2409:4060', '2806:10a6',
] as const;
const V6_HOSTING = [
  '2a03:b0c0:3', '2604:a880:400', '2a01:4f8:c17', '2a01:4f9:c010', '2001:41d0:302', '2600:3c00:e000', '2a05:d014:9f1',
  '2406:da18:c2b', '2a0e:97c0:3e3', '2001:bc8:1820',
] as const;

/** Googlebot, bingbot, Applebot, YandexBot and DuckDuckBot published ranges (a representative subset). */
export const CRAWLER_RANGES = {
  googlebot: ['66.249.64', '66.249.65', '66.249.66', '66.249.68', '66.249.69', '66.249.70', '66.249.71', '66.249.72', '66.249.73', '66.249.74', '66.249.75', '66.249.76', '66.249.77', '66.249.79'],
  googlebotV6: ['2001:4860:4801:10', '2001:4860:4801:11', '2001:4860:4801:2', '2001:4860:4801:53', '2001:4860:4801:2f'],
  bingbot: ['157.55.39', '207.46.13', '40.77.167', '13.66.139', '52.167.144', '40.77.188', '40.77.189'],
  applebot: ['17.241.219', '17.241.227', '17.241.75', '17.22.237', '17.22.245'],
  yandex: ['5.255.231', '5.255.253', '213.180.203', '87.250.224', '95.108.213'],
  duckduck: ['20.191.45', '40.88.21', '52.142.26'],
  ahrefs: ['54.36.148', '54.36.149', '51.222.253'],
  semrush: ['185.191.171', '85.208.98'],
} as const;

function isExcludedV4(a: number, b: number, c: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return true;
  if (a === 100 && b >= 64 && b < 128) return true; // CGNAT shared space
  if (a === 169 && b === 254) return true;
  if (a === 172 && b >= 16 && b < 32) return true;
  if (a === 192 && (b === 168 || (b === 0 && (c === 0 || c === 2)) || (b === 88 && c === 99))) return true;
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return true;
  if (a === 203 && b === 0 && c === 113) return true;
  // Crawler ranges belong to the crawlers only.
  if (a === 66 && b === 249 && c >= 64 && c < 96) return true;
  if (a === 157 && b === 55) return true;
  if (a === 207 && b === 46) return true;
  if (a === 40 && b === 77) return true;
  if (a === 13 && b === 66) return true;
  if (a === 52 && b === 167) return true;
  if (a === 17) return true;
  if (a === 5 && b === 255) return true;
  if (a === 213 && b === 180) return true;
  if (a === 87 && b === 250) return true;
  if (a === 95 && b === 108) return true;
  if (a === 20 && b === 191) return true;
  if (a === 40 && b === 88) return true;
  if (a === 52 && b === 142) return true;
  if (a === 54 && b === 36 && (c === 148 || c === 149)) return true;
  if (a === 51 && b === 222 && c === 253) return true;
  if (a === 185 && b === 191 && c === 171) return true;
  if (a === 85 && b === 208 && c === 98) return true;
  return false;
}

function group(rng: Rng): string {
  return (1 + rng.int(0xffff)).toString(16);
}

export class IpPool {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** True when the address was free (and is now taken). */
  claim(ip: string): boolean {
    if (this.used.has(ip)) return false;
    this.used.add(ip);
    return true;
  }

  has(ip: string): boolean {
    return this.used.has(ip);
  }

  /** A fresh public IPv4 from the given kind of network. */
  v4(network: Network): string {
    const firsts = network === 'residential' ? RESIDENTIAL : network === 'hosting' ? HOSTING : CLOUD;
    for (;;) {
      const a = this.rng.pick(firsts);
      const b = this.rng.int(256);
      const c = this.rng.int(256);
      if (isExcludedV4(a, b, c)) continue;
      const ip = `${a}.${b}.${c}.${1 + this.rng.int(254)}`;
      if (this.claim(ip)) return ip;
    }
  }

  /** A fresh public IPv6 (canonical text form, RFC 5952). */
  v6(network: Network): string {
    for (;;) {
      let ip: string;
      if (network === 'residential') {
        const prefix = this.rng.pick(V6_RESIDENTIAL);
        const groups = prefix.split(':').length;
        const parts: string[] = [prefix];
        for (let i = groups; i < 8; i++) parts.push(group(this.rng));
        ip = parts.join(':');
      } else {
        // Servers: a /64 with a short host part, written with '::'.
        const prefix = this.rng.pick(V6_HOSTING);
        ip = `${prefix}:${group(this.rng)}::${(1 + this.rng.int(0xfff)).toString(16)}`;
      }
      if (this.claim(ip)) return ip;
    }
  }

  /** A fresh address inside one of the given /24 prefixes (`a.b.c`) or IPv6 /64 prefixes. */
  inRanges(prefixes: readonly string[]): string {
    for (let attempt = 0; attempt < 10000; attempt++) {
      const prefix = this.rng.pick(prefixes);
      const ip = prefix.includes(':')
        ? `${prefix}::${(1 + this.rng.int(0xff)).toString(16)}`
        : `${prefix}.${1 + this.rng.int(254)}`;
      if (this.claim(ip)) return ip;
    }
    throw new HerdError(
      'HERD_BENCH_IP_EXHAUSTED',
      `no free address left in ${prefixes.join(', ')}; ask for fewer lines or add ranges in bench/generator/ip-pool.ts`,
    );
  }

  /** A fresh private address in 10.0.0.0/8. */
  private10(secondOctet?: number): string {
    for (;;) {
      const b = secondOctet ?? this.rng.int(256);
      const ip = `10.${b}.${this.rng.int(256)}.${1 + this.rng.int(254)}`;
      if (this.claim(ip)) return ip;
    }
  }

  /** A fresh private address in 192.168.0.0/16. */
  private192(): string {
    for (;;) {
      const ip = `192.168.${this.rng.pick([0, 1, 1, 10, 20, 50, 100, 178])}.${2 + this.rng.int(252)}`;
      if (this.claim(ip)) return ip;
    }
  }
}

/** True for 10/8 and 192.168/16 (the only private ranges the corpus uses). */
export function isPrivateAddress(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('192.168.');
}
