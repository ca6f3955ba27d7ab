/**
 * IP addresses and CIDR ranges with Go `net` semantics, because CrowdSec content and its API
 * expect exactly what Go accepts and prints: parsing and printing addresses, CIDR networks, the
 * IP helpers of CrowdSec expressions (`IpInRange`, `IpToRange`, `IsIPV4`, …), a matcher for
 * whitelists checked per log line, and hex bounds that let the store query ranges in SQL.
 *
 * An IPv4-mapped IPv6 address is the IPv4 address; an IPv6 network never contains an IPv4 address.
 * Bad input gives null / false / "", never an exception, except when building an `IpMatcher`
 * from configuration with `IpMatcher.parse`.
 */
export {
  IPAddress,
  parseIP,
  formatIP,
  compareIP,
  ipFromWords,
  ipv4FromNumber,
  ipToHex,
} from './ip-address.js';
export { IPNetwork, type ParsedCIDR, parseCIDR, parseRange, networkOf } from './ip-network.js';
export { ipInRange, ipToRange, isIPv4, isIPv6, isIP } from './crowdsec-helpers.js';
export { IpMatcher, type IpMatcherParse } from './ip-matcher.js';
export { type RangeBounds, rangeBounds, networkBounds } from './range-bounds.js';
