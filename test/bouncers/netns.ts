import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Network namespaces for the firewall tests: built with `ip`, torn down after, never touching the
 * host's network. A server namespace and a client namespace joined by a veth pair (`vs` in the
 * server, `vc` in the client), or a single namespace with only loopback.
 */

export const run = promisify(execFile);

/** Runs a command; null when it succeeded, else what failed. */
export function sh(args: string[]): string | null {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  return r.status === 0 ? null : `${args.join(' ')}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
}

/** Why the firewall tests cannot run here (root, nft, ip, and `more` commands), or null. */
export function missingForFirewallTests(more: { command: string[]; install: string }[] = []): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  for (const { command, install } of [
    { command: ['nft', '--version'], install: 'nftables' },
    { command: ['ip', '-V'], install: 'iproute2' },
    ...more,
  ]) {
    if (sh(command) !== null) return `${command[0]} is not installed (apt-get install ${install})`;
  }
  return null;
}

export function deleteNamespaces(...names: string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'del', n]);
}

/**
 * Builds `server` and, when given, `client` joined by a veth pair, with these addresses (CIDR;
 * IPv6 ones without duplicate detection). Returns why it could not (everything is undone), or null.
 */
export function buildNamespaces(server: string, serverAddrs: string[], client?: { name: string; addrs: string[] }): string | null {
  const steps = [['ip', 'netns', 'add', server], ['ip', '-n', server, 'link', 'set', 'lo', 'up']];
  const addr = (ns: string, dev: string, cidr: string) => ['ip', '-n', ns, 'addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])];
  if (client) {
    steps.push(['ip', 'netns', 'add', client.name], ['ip', '-n', client.name, 'link', 'set', 'lo', 'up']);
    steps.push(['ip', '-n', server, 'link', 'add', 'vs', 'type', 'veth', 'peer', 'name', 'vc', 'netns', client.name]);
    for (const a of serverAddrs) steps.push(addr(server, 'vs', a));
    for (const a of client.addrs) steps.push(addr(client.name, 'vc', a));
    steps.push(['ip', '-n', server, 'link', 'set', 'vs', 'up'], ['ip', '-n', client.name, 'link', 'set', 'vc', 'up']);
  }
  for (const step of steps) {
    const err = sh(step);
    if (err !== null) {
      deleteNamespaces(server, ...(client ? [client.name] : []));
      return `cannot build the test network (${err})`;
    }
  }
  return null;
}

const CONNECT = `
const net = require('node:net');
const [host, port, localAddress] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port), localAddress });
s.setTimeout(800, () => { console.log('timeout'); s.destroy(); });
s.on('connect', () => { console.log('connected'); s.destroy(); });
s.on('error', (e) => console.log('error ' + e.code));
`;

/** A TCP connection from `from` (an address of namespace `ns`) to `to:port`: connected, timeout or error … */
export async function probeConnect(ns: string, from: string, to: string, port: number): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', CONNECT, to, String(port), from]);
  return stdout.trim();
}
