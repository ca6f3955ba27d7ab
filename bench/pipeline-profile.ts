import { readFileSync } from 'node:fs';
import { buildEngine, loadHerdConfig, TIMEMACHINE } from '../src/agent/index.js';
import { silentLogger, systemClock } from '../src/core/index.js';
import { newLogEvent, type NodeIssues } from '../src/parse/index.js';

/**
 * Where the time of one line goes, without I/O or the store: parse only, then parse + pour, over
 * the lines of a file (argv: file type [lines]). A tool for profiling (`node --cpu-prof`), not a
 * benchmark of record.
 */
const [file, type, max] = process.argv.slice(2);
const lines = readFileSync(file!, 'utf8').split('\n').filter(Boolean).slice(0, Number(max ?? 200_000));
const config = loadHerdConfig({ dataDir: '/tmp/herd-pipeline-profile' });
if (process.env.HERD_CONTENT_DIR) config.contentDirs = [process.env.HERD_CONTENT_DIR];
const { content, engine } = await buildEngine(config, { mode: TIMEMACHINE, clock: systemClock, logger: silentLogger(), store: null });
const issues: NodeIssues = { report: () => {} };
const emit = () => {};
for (const pass of ['parse', 'parse+pour']) {
  for (let round = 0; round < 2; round++) {
    const t = performance.now();
    let ok = 0;
    for (const raw of lines) {
      const evt = newLogEvent({ raw, src: file!, module: 'file', labels: { type: type! }, readAt: 0 }, TIMEMACHINE);
      if (content.parser.parse(evt, issues)) {
        ok++;
        if (pass !== 'parse' && !evt.Whitelisted) engine.pour(evt, emit);
      }
    }
    const s = (performance.now() - t) / 1000;
    console.log(`${pass} round ${round}: ${lines.length} lines, ${ok} parsed, ${Math.round(lines.length / s)} lines/s, ${((s / lines.length) * 1e6).toFixed(2)} µs/line`);
  }
}
