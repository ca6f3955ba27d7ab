/**
 * The IP helpers of CrowdSec expressions (pkg/exprhelpers), with their exact results on bad input:
 * false or "" instead of an error, because hostile input is normal on this path.
 */
import { parseIP } from './ip-address.js';
import { networkOf, parseCIDR } from './ip-network.js';

/** `IpInRange(ip, range)`: is `ip` (`net.ParseIP`) inside `range` (`net.ParseCIDR`)? */
export function ipInRange(ip: string, cidr: string): boolean {
  const addr = parseIP(ip);
  if (addr === null) return false;
  const parsed = parseCIDR(cidr);
  return parsed !== null && parsed.network.contains(addr);
}

/**
 * `IpToRange(ip, "/24")`: the network of `ip` with that prefix, as `"1.2.3.0/24"`. The suffix may
 * omit the slash (`"24"`); it counts over 32 bits for IPv4 (also IPv4-mapped) and 128 for IPv6.
 * Returns "" when the IP or the suffix is invalid or out of range.
 */
export function ipToRange(ip: string, suffix: string): string {
  // strconv.Atoi after trimming one leading "/": optional sign, then at least one digit.
  let p = suffix.length > 0 && suffix.charCodeAt(0) === 47 ? 1 : 0;
  let neg = false;
  if (p < suffix.length) {
    const c = suffix.charCodeAt(p);
    if (c === 43 || c === 45) {
      neg = c === 45;
      p++;
    }
  }
  if (p === suffix.length) return '';
  let n = 0;
  for (; p < suffix.length; p++) {
    const c = suffix.charCodeAt(p);
    if (c < 48 || c > 57) return '';
    if (n < 1000) n = n * 10 + (c - 48); // anything past 128 is out of range anyway
  }
  if (neg && n !== 0) return '';
  const addr = parseIP(ip);
  if (addr === null) return '';
  const network = networkOf(addr, n);
  return network === null ? '' : network.toString();
}

/** `IsIPV4`: a valid IP that is IPv4 (dotted, or IPv4-mapped IPv6 such as `::ffff:1.2.3.4`). */
export function isIPv4(s: string): boolean {
  const ip = parseIP(s);
  return ip !== null && ip.version === 4;
}

/** `IsIPV6`: a valid IP that is not IPv4 (so `::ffff:1.2.3.4` is not IPv6, as in CrowdSec). */
export function isIPv6(s: string): boolean {
  const ip = parseIP(s);
  return ip !== null && ip.version === 6;
}

/** `IsIP`: any address `net.ParseIP` accepts. */
export function isIP(s: string): boolean {
  return parseIP(s) !== null;
}
