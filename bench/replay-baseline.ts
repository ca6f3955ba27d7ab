import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The median of a few measurements (benchmarks report medians: machines are noisy). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The baseline replays are compared with: plain Node.js streaming the file and running one regex per line (lines/s). */
export async function baseline(file: string): Promise<number> {
  const re = /^(\S+) \S+ \S+ \[([^\]]+)\] "(\S+) (\S+)[^"]*" (\d+)/;
  const started = performance.now();
  let n = 0;
  let matched = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    n++;
    if (re.exec(line)) matched++;
  }
  const seconds = (performance.now() - started) / 1000;
  if (matched < 0) throw new Error('unreachable');
  return n / seconds;
}
