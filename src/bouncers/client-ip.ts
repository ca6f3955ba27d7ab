import type { IncomingHttpHeaders } from 'node:http';
import { formatIP, IpMatcher, parseIP, type IPAddress } from '../ip/index.js';

/**
 * The client's address, which a client cannot forge. It is the socket's peer, unless that peer is
 * a trusted proxy: then the forwarding header (`X-Forwarded-For` by default, or e.g. `X-Real-IP`)
 * is read from the right — each proxy appends the address it saw — skipping trusted proxies, and
 * the first untrusted address is the client. A header from an untrusted peer is ignored entirely,
 * since anyone can send one. When every hop is trusted, the leftmost is the client; when a hop
 * does not parse, the last address read before it is (the proxy that reported garbage).
 */

export interface ClientIpOptions {
  /** IPs and CIDR ranges of the proxies in front of the app (`127.0.0.1`, `10.0.0.0/8`, `::1`). */
  trustedProxies?: readonly string[];
  /** The header naming the client, read only from trusted peers. Default `x-forwarded-for`. */
  header?: string;
}

export class ClientIpResolver {
  private readonly trusted: IpMatcher | null;
  readonly header: string;

  /** Throws HERD_IP_RANGE_INVALID naming any trusted proxy that is not an IP or CIDR. */
  constructor(options: ClientIpOptions = {}) {
    const list = options.trustedProxies ?? [];
    this.trusted = list.length === 0 ? null : IpMatcher.parse(list, 'trustedProxies');
    this.header = (options.header ?? 'x-forwarded-for').toLowerCase();
  }

  /** The client address (as Go prints it) from the socket peer and the request headers; null when the peer has no IP (a Unix socket). */
  resolve(remoteAddress: string | undefined, headers: IncomingHttpHeaders): string | null {
    const peer = remoteAddress === undefined ? null : parseIP(remoteAddress);
    if (peer === null) return null;
    // Hot path: with no trusted proxy (or an untrusted peer) no header is even looked at.
    if (this.trusted === null || !this.trusted.contains(peer)) return canonical(remoteAddress!, peer);
    const raw = headers[this.header];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (value === undefined || value.length === 0) return canonical(remoteAddress!, peer);
    return this.walk(value, canonical(remoteAddress!, peer));
  }

  private walk(value: string, peer: string): string {
    const hops = value.split(',');
    let candidate = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const text = hops[i].trim();
      if (text.length === 0) continue; // `a,,b` or a trailing comma carries nothing
      const hop = hopAddress(text);
      if (hop === null) return candidate;
      candidate = formatIP(hop);
      if (!this.trusted!.contains(hop)) return candidate;
    }
    return candidate;
  }
}

function canonical(text: string, ip: IPAddress): string {
  return text.indexOf(':') < 0 ? text : formatIP(ip);
}

/**
 * One hop of a forwarding header: an address, possibly with a port (`1.2.3.4:80`, `[2001:db8::1]:443`)
 * as some proxies write it; null when empty or not an address.
 */
export function hopAddress(raw: string): IPAddress | null {
  const s = raw.trim();
  if (s.length === 0) return null;
  if (s.charCodeAt(0) === 91 /* [ */) {
    const close = s.indexOf(']');
    return close < 0 ? null : parseIP(s.slice(1, close));
  }
  const colon = s.indexOf(':');
  if (colon >= 0 && colon === s.lastIndexOf(':') && s.indexOf('.') >= 0) return parseIP(s.slice(0, colon));
  return parseIP(s);
}
