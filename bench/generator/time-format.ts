/**
 * Timestamps as nginx (`$time_local`, UTC) and rsyslog's traditional format write them. Lines come in
 * time order, so the text is cached per second: most lines reuse the previous string.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `10/Oct/2023:13:55:36 +0000` */
export function formatNginxTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
  );
}

/** `Nov  5 13:55:36` (day padded with a space, no year). */
export function formatSyslogTime(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return (
    `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** Caches the formatted text of the current second (hot path: one call per line). */
export class CachedTime {
  private second = Number.NaN;
  private text = '';

  constructor(private readonly format: (ms: number) => string) {}

  at(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = this.format(second * 1000);
    }
    return this.text;
  }
}
