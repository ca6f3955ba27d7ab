import { spawn } from 'node:child_process';

/**
 * The load: Debian's `wrk` with a Lua script that walks a fixed list of IPs, one
 * `GET /v1/decisions?ip=<ip>` per request with the bouncer's X-Api-Key, and wrk's `--latency`
 * report read back into numbers.
 */

/**
 * The Lua script. It reads the key (BENCH_KEY) and the file of IPs (BENCH_IPS) from the
 * environment and builds every request once in `init` (after wrk has set the Host header), so
 * wrk spends its time sending, not formatting.
 */
export const WRK_SCRIPT = `-- herd bench/lapi-compare: GET /v1/decisions?ip=<ip> over a fixed list of IPs
local key = os.getenv("BENCH_KEY")
local file = os.getenv("BENCH_IPS")
local reqs = {}
local i = 0
function init(args)
  for line in io.lines(file) do
    if line ~= "" then
      reqs[#reqs + 1] = wrk.format("GET", "/v1/decisions?ip=" .. line, { ["X-Api-Key"] = key })
    end
  end
  i = math.random(#reqs)
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
`;

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSec: number;
  /** Latency percentiles in milliseconds. */
  latencyMs: { p50: number; p75: number; p90: number; p99: number };
  /** "Non-2xx or 3xx responses" (0 when wrk prints no such line). */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A wrk time (`812.00us`, `1.23ms`, `2.61s`, `1.05m`) in milliseconds; NaN when unreadable. */
export function wrkTimeMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.NaN;
}

/** Reads wrk's report (run with `--latency`). Throws when a figure the benchmark needs is missing. */
export function parseWrkOutput(text: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text);
    if (!m) throw new Error(`wrk output has no ${what}:\n${text}`);
    return m;
  };
  const total = need(/^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),/m, 'request count');
  const rps = need(/^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec');
  const pct = (p: string) => wrkTimeMs(need(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm'), `${p}% latency`)[1]!);
  const non2xx = /^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: wrkTimeMs(`${total[2]}${total[3]}`) / 1000,
    requestsPerSec: Number(rps[1]),
    latencyMs: { p50: pct('50'), p75: pct('75'), p90: pct('90'), p99: pct('99') },
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) } : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}

export interface WrkOptions {
  wrk: string;
  url: string;
  key: string;
  ipsFile: string;
  scriptFile: string;
  threads: number;
  connections: number;
  /** wrk duration (`15s`). */
  duration: string;
  /** Per-request timeout (`60s`): a slow server is measured, not cut off. */
  timeout: string;
}

/** The wrk command line (for the report and for running). */
export function wrkArgs(o: WrkOptions): string[] {
  return [`-t${o.threads}`, `-c${o.connections}`, `-d${o.duration}`, '--timeout', o.timeout, '--latency', '-s', o.scriptFile, o.url];
}

export function runWrk(o: WrkOptions): Promise<{ result: WrkResult; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.wrk, wrkArgs(o), { env: { ...process.env, BENCH_KEY: o.key, BENCH_IPS: o.ipsFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      try {
        resolve({ result: parseWrkOutput(out), output: out });
      } catch (err) {
        reject(err);
      }
    });
  });
}
