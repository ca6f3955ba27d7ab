import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerSample, checkAnswers, get, streamProblem } from './lapi-compare/answers.js';
import { ensureCrowdsec, startCrowdsec } from './lapi-compare/crowdsec.js';
import { decisionsCsv, generateDataset } from './lapi-compare/dataset.js';
import { startHerd } from './lapi-compare/herd.js';
import { rssMiB, stopProcess, waitIdle, type RunningServer } from './lapi-compare/processes.js';
import { placeSection, renderSection, type CompareReport, type ServerResults, type StreamSample } from './lapi-compare/report.js';
import { runWrk, WRK_SCRIPT, wrkArgs, type WrkOptions } from './lapi-compare/wrk.js';

/**
 * `npm run bench:lapi` (`npm run build && node dist/bench/lapi-compare.js`): herd's local API
 * against CrowdSec 1.4.6's, in the same go, holding the same decisions (100,000 by default):
 *  - live mode, `GET /v1/decisions?ip=` under wrk: requests/s and p99 latency;
 *  - stream startup, `GET /v1/decisions/stream?startup=true`: time to last byte and body size;
 * and writes the section "## Local API vs CrowdSec 1.4.6" of BENCHMARKS.md.
 * Needs Debian's `wrk` and `crowdsec` package (downloaded with apt-get download, never installed).
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERD = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const { values: args } = parseArgs({
  options: {
    decisions: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '15s' },
    runs: { type: 'string', default: '3' },
    'stream-runs': { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
    connections: { type: 'string', default: '32' },
    queries: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '42' },
    wrk: { type: 'string', default: '/usr/bin/wrk' },
    cache: { type: 'string', default: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'herd-bench') },
    output: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') },
    'no-write': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const count = (name: keyof typeof args, min: number): number => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return v;
};

function log(msg: string): void {
  process.stderr.write(`[bench:lapi] ${msg}\n`);
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node.js ${process.version}`;
}

function herdVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

async function streamSample(server: RunningServer, gzip: boolean): Promise<StreamSample> {
  const headers: Record<string, string> = { 'X-Api-Key': server.key };
  if (gzip) headers['Accept-Encoding'] = 'gzip';
  const a = await get(`${server.url}/v1/decisions/stream?startup=true`, headers);
  if (a.status !== 200) throw new Error(`${server.name} stream startup answered ${a.status}`);
  const enc = a.headers['content-encoding'];
  return { ms: a.ms, bytes: a.bytes, encoding: typeof enc === 'string' ? enc : '' };
}

async function main(): Promise<void> {
  const decisions = count('decisions', 1);
  const runs = count('runs', 1);
  const streamRuns = count('stream-runs', 1);
  const threads = count('threads', 1);
  const connections = count('connections', 1);
  const queries = count('queries', 2);
  const seed = count('seed', 0);
  if (!existsSync(HERD)) throw new Error('run `npm run build` first (npm run bench:lapi does)');
  if (!existsSync(args.wrk!)) throw new Error(`${args.wrk} is missing: apt-get install wrk`);

  log(`CrowdSec 1.4.6 from the Debian package, cached in ${args.cache}`);
  const bin = ensureCrowdsec(args.cache!);
  log(`crowdsec ${bin.version}`);

  const loadAverage = loadavg()[0]!;
  const work = mkdtempSync(join(tmpdir(), 'herd-lapi-compare-'));
  const servers: RunningServer[] = [];
  try {
    log(`generating ${decisions} decisions and ${queries} query IPs (seed ${seed})`);
    const data = generateDataset({ seed, decisions, queries });
    const files = { all: join(work, 'decisions.csv'), ip: join(work, 'decisions-ip.csv'), range: join(work, 'decisions-range.csv') };
    writeFileSync(files.all, decisionsCsv(data.decisions));
    writeFileSync(files.ip, decisionsCsv(data.decisions.filter((d) => d.scope === 'Ip')));
    writeFileSync(files.range, decisionsCsv(data.decisions.filter((d) => d.scope === 'Range')));
    const ipsFile = join(work, 'query-ips.txt');
    writeFileSync(ipsFile, data.queries.map((q) => q.ip).join('\n') + '\n');
    const scriptFile = join(work, 'decisions-ip.lua');
    writeFileSync(scriptFile, WRK_SCRIPT);
    const kinds = data.decisions.reduce<Record<string, number>>((acc, d) => {
      const k = `${d.scope === 'Ip' ? 'single' : 'range'} ${d.value.includes(':') ? 'IPv6' : 'IPv4'}`;
      acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});
    const mix = Object.entries(kinds)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${((100 * n) / decisions).toFixed(0)}% ${k}`)
      .join(', ');

    log('herd: import, bouncer, start');
    mkdirSync(join(work, 'herd'));
    const herd = await startHerd(HERD, join(work, 'herd'), files.all);
    servers.push(herd.server);
    log(`  imported in ${(herd.importMs / 1000).toFixed(1)} s`);

    log('CrowdSec: start, machine, import, bouncer');
    mkdirSync(join(work, 'crowdsec'));
    const cs = await startCrowdsec(bin, join(work, 'crowdsec'), files);
    servers.push(cs.server);
    log(`  imported in ${(cs.importMs / 1000).toFixed(1)} s`);

    log('checking answers on both');
    const sample = answerSample(data.queries, 400);
    const problems: string[] = [];
    for (const s of [cs.server, herd.server]) {
      problems.push(...(await checkAnswers(s, sample)));
      const a = await get(`${s.url}/v1/decisions/stream?startup=true`, { 'X-Api-Key': s.key });
      const p = streamProblem(a.status, a.body.toString('utf8'), decisions);
      if (p !== null) problems.push(`${s.name} stream startup: ${p}`);
    }
    if (problems.length > 0) throw new Error(`wrong answers, no timing done:\n${problems.slice(0, 20).join('\n')}`);
    log(`  ${sample.length} answers and the stream startup right on both`);

    const wrkOf = (s: RunningServer, duration: string): WrkOptions => ({
      wrk: args.wrk!,
      url: s.url,
      key: s.key,
      ipsFile,
      scriptFile,
      threads,
      connections,
      duration,
      timeout: '60s',
    });
    const pair = [cs.server, herd.server];
    for (const s of pair) {
      log(`warm-up ${s.name}`);
      await runWrk(wrkOf(s, '3s'));
      await waitIdle(s.child.pid!);
    }
    const results: Record<string, ServerResults> = {};
    for (const s of pair) results[s.name] = { live: [], stream: [], streamGzip: [], importMs: s === cs.server ? cs.importMs : herd.importMs, singleMs: [], rssMiB: 0 };
    // One request at a time, alternating, on idle servers: the cost of one answer.
    for (const q of answerSample(data.queries, 20)) {
      for (const s of pair) results[s.name]!.singleMs.push((await get(`${s.url}/v1/decisions?ip=${encodeURIComponent(q.ip)}`, { 'X-Api-Key': s.key })).ms);
    }
    for (let r = 0; r < runs; r++) {
      for (const s of pair) {
        const { result } = await runWrk(wrkOf(s, args.duration!));
        results[s.name]!.live.push(result);
        log(`run ${r + 1}/${runs} ${s.name}: ${result.requestsPerSec.toFixed(1)} req/s, p99 ${result.latencyMs.p99.toFixed(2)} ms, non-2xx ${result.non2xx}, timeouts ${result.socketErrors.timeout}`);
        await waitIdle(s.child.pid!);
      }
    }
    for (const s of pair) results[s.name]!.rssMiB = rssMiB(s.child.pid!);
    for (let r = 0; r < streamRuns; r++) {
      for (const s of pair) {
        const plain = await streamSample(s, false);
        const gz = await streamSample(s, true);
        results[s.name]!.stream.push(plain);
        results[s.name]!.streamGzip.push(gz);
        log(`stream ${r + 1}/${streamRuns} ${s.name}: ${plain.ms.toFixed(0)} ms, ${plain.bytes} bytes; gzip asked: ${gz.encoding || 'not compressed'}, ${gz.bytes} bytes, ${gz.ms.toFixed(0)} ms`);
        await waitIdle(s.child.pid!);
      }
    }

    const command = `npm run build && node dist/bench/lapi-compare.js --decisions ${decisions} --duration ${args.duration} --runs ${runs}`;
    const report: CompareReport = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      loadAverage,
      command,
      wrkCommand: `wrk ${wrkArgs({ ...wrkOf(herd.server, args.duration!), scriptFile: 'decisions-ip.lua', url: 'http://127.0.0.1:PORT' }).join(' ')}`,
      crowdsecVersion: `v${bin.version.replace(/^v/, '')}`,
      decisions,
      mix,
      queries,
      crowdsec: results[cs.server.name]!,
      herd: results[herd.server.name]!,
    };
    const section = renderSection(report);
    process.stdout.write(section);
    if (!args['no-write']) {
      const doc = existsSync(args.output!) ? readFileSync(args.output!, 'utf8') : '';
      writeFileSync(args.output!, placeSection(doc, section));
      log(`wrote the section of ${args.output} (herd ${herdVersion()})`);
    }
  } finally {
    for (const s of servers) await stopProcess(s.child);
    if (args.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:lapi failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
