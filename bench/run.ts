import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateDetection, type DetectionReport } from './detection-eval.js';
import { CORPUS_FILES, writeCorpus } from './generator/index.js';
import { baseline, median } from './replay-baseline.js';

/**
 * `npm run bench`: generates the labelled corpus (1,000,000 nginx lines, 500,000 sshd lines by
 * default), then measures in the same go
 *  - a baseline: plain Node.js reading the file and running one regex per line;
 *  - `herd replay` of each log with herd's own content (the real CLI, one process, one core for
 *    JavaScript), several runs, median lines/s;
 *  - detection quality against the ground truth (recall, false positives);
 * and writes BENCHMARKS.md with the machine, the command and the results.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERD = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const { values: args } = parseArgs({
  options: {
    'nginx-lines': { type: 'string', default: '1000000' },
    'sshd-lines': { type: 'string', default: '500000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    work: { type: 'string', default: join(ROOT, 'bench', 'out') },
    output: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') },
  },
});

const nginxLines = Number(args['nginx-lines']);
const sshdLines = Number(args['sshd-lines']);
const runs = Number(args.runs);
const seed = Number(args.seed);
const work = args.work!;


function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}


function replayOnce(file: string, type: string, dataDir: string): { lines: number; seconds: number } {
  rmSync(dataDir, { recursive: true, force: true });
  const out = execFileSync(process.execPath, [HERD, 'replay', '--dsn', `file://${file}`, '--type', type, '--data-dir', dataDir, '--json'], {
    env: { ...process.env, HERD_LOG_LEVEL: 'error' },
    maxBuffer: 1 << 24,
  }).toString();
  const r = JSON.parse(out) as { lines: number; seconds: number };
  return { lines: r.lines, seconds: r.seconds };
}

function machine(): string {
  const c = cpus();
  let perfNote = '';
  try {
    perfNote = spawnSync('sh', ['-c', 'uname -srm'], { encoding: 'utf8' }).stdout.trim();
  } catch {
    /* ignore */
  }
  return `${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${perfNote}, Node.js ${process.version}`;
}

async function main(): Promise<void> {
  if (!existsSync(HERD)) throw new Error('run `npm run build` first (npm run bench does)');
  mkdirSync(work, { recursive: true });
  const corpus = join(work, `corpus-${seed}-${nginxLines}-${sshdLines}`);
  const start = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 8));
  if (!existsSync(join(corpus, CORPUS_FILES.truth))) {
    log(`generating ${nginxLines} nginx + ${sshdLines} sshd lines (seed ${seed}) into ${corpus}`);
    await writeCorpus(corpus, { seed, nginxLines, sshdLines, start });
  }
  const nginxFile = join(corpus, CORPUS_FILES.nginx);
  const sshdFile = join(corpus, CORPUS_FILES.sshd);

  const base: number[] = [];
  const nginxRates: number[] = [];
  const sshdRates: number[] = [];
  for (let i = 0; i < runs; i++) {
    log(`run ${i + 1}/${runs}: baseline`);
    base.push(await baseline(nginxFile));
    log(`run ${i + 1}/${runs}: herd replay nginx`);
    const n = replayOnce(nginxFile, 'nginx', join(work, 'replay-nginx'));
    nginxRates.push(n.lines / n.seconds);
    log(`run ${i + 1}/${runs}: herd replay sshd`);
    const s = replayOnce(sshdFile, 'syslog', join(work, 'replay-sshd'));
    sshdRates.push(s.lines / s.seconds);
    log(`  baseline ${Math.round(base[i]!)} l/s, nginx ${Math.round(nginxRates[i]!)} l/s, sshd ${Math.round(sshdRates[i]!)} l/s`);
  }

  log('detection quality');
  rmSync(join(work, 'detection'), { recursive: true, force: true });
  const det: DetectionReport = await evaluateDetection(corpus, join(work, 'detection'));

  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const pct = (x: number, d = 2) => `${(x * 100).toFixed(d)}%`;
  const command = `npm run bench -- --nginx-lines ${nginxLines} --sshd-lines ${sshdLines} --runs ${runs} --seed ${seed}`;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${machine()}.`,
    'Machines are noisy: figures are medians of the runs, and herd is compared with a baseline measured in the same go.',
    '',
    '## Replay throughput (herd\'s own content, one process)',
    '',
    'Each run is `herd replay --dsn file://… --type … --json` on a fresh data directory (the real CLI, SQLite store included);',
    'lines/s is lines divided by the time the command reports (content loading included). The baseline is plain Node.js',
    'reading the same nginx file line by line with one regex per line.',
    '',
    '| measure | runs (lines/s) | median lines/s | target | vs baseline |',
    '| --- | --- | --- | --- | --- |',
    `| baseline: Node.js read + 1 regex/line (nginx file) | ${base.map(fmt).join(', ')} | ${fmt(median(base))} | — | 1.00 |`,
    `| herd replay, ${fmt(nginxLines)} nginx lines | ${nginxRates.map(fmt).join(', ')} | ${fmt(median(nginxRates))} | ≥ 100,000 | ${(median(nginxRates) / median(base)).toFixed(2)} |`,
    `| herd replay, ${fmt(sshdLines)} sshd lines (type syslog) | ${sshdRates.map(fmt).join(', ')} | ${fmt(median(sshdRates))} | ≥ 150,000 | ${(median(sshdRates) / median(base)).toFixed(2)} |`,
    '',
    '## Detection on the labelled corpus',
    '',
    `Corpus: herd's generator, seed ${seed} (\`node dist/bench/generate-logs.js --seed ${seed} --nginx-lines ${nginxLines} --sshd-lines ${sshdLines}\`).`,
    'An IP counts as banned when herd made a ban decision on it; recall is over attacking IPs, false positives over benign IPs.',
    '',
    '| log | attackers banned | recall | benign banned | false positive rate | target |',
    '| --- | --- | --- | --- | --- | --- |',
    ...det.logs.map((l) => `| ${l.log} | ${l.attackersBanned} / ${l.attackers} | ${pct(l.recall)} | ${l.benignBanned} / ${l.benign} | ${pct(l.falsePositiveRate, 3)} | ≥ 98% / ≤ 0.1% |`),
    '',
    '| behaviour | attackers | banned |',
    '| --- | --- | --- |',
    ...det.logs.flatMap((l) => Object.entries(l.byBehaviour).map(([b, r]) => `| ${b} | ${r.attackers} | ${r.banned} |`)),
    '',
  ];
  const missed = det.logs.flatMap((l) => l.missed.map((m) => `${l.log} ${m.ip} (${m.behaviours.join(', ')}, ${m.lines} lines)`));
  const fps = det.logs.flatMap((l) => l.falsePositives.map((f) => `${l.log} ${f.ip} (${f.scenarios.join(', ')})`));
  if (missed.length) lines.push('Missed attackers:', '', ...missed.slice(0, 30).map((m) => `- ${m}`), '');
  if (fps.length) lines.push('Benign IPs banned:', '', ...fps.slice(0, 30).map((m) => `- ${m}`), '');
  const previous = existsSync(args.output!) ? readFileSync(args.output!, 'utf8') : '';
  const marker = '<!-- more benchmarks below are written by their own commands -->';
  const tail = previous.includes(marker) ? previous.slice(previous.indexOf(marker)) : marker + '\n';
  writeFileSync(args.output!, lines.join('\n') + '\n' + tail);
  log(`wrote ${args.output}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
