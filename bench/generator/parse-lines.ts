/**
 * Plain readers for the two formats, for checking a corpus (tests, benchmark scoring): who wrote a
 * line and when. Not for the engine, which has its own parsers.
 */
const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export const NGINX_COMBINED = /^(\S+) - (\S+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$/;
export const SYSLOG_LINE = /^([A-Z][a-z]{2}) ([ 1-3]\d) (\d{2}):(\d{2}):(\d{2}) (\S+) ([A-Za-z][\w.-]*)(?:\[(\d+)\])?: (.*)$/;

export interface NginxRecord {
  ip: string;
  user: string;
  /** ms since epoch. */
  time: number;
  request: string;
  method: string;
  uri: string;
  status: number;
  bytes: number;
  referer: string;
  agent: string;
}

export function parseNginxLine(line: string): NginxRecord | undefined {
  const m = NGINX_COMBINED.exec(line);
  if (!m) return undefined;
  const month = MONTHS[m[4]];
  if (month === undefined) return undefined;
  const time = Date.UTC(Number(m[5]), month, Number(m[3]), Number(m[6]), Number(m[7]), Number(m[8]));
  const request = m[10];
  const first = request.indexOf(' ');
  const last = request.lastIndexOf(' ');
  return {
    ip: m[1],
    user: m[2],
    time,
    request,
    method: first > 0 ? request.slice(0, first) : '',
    uri: first > 0 && last > first ? request.slice(first + 1, last) : '',
    status: Number(m[11]),
    bytes: Number(m[12]),
    referer: m[13],
    agent: m[14],
  };
}

export interface AuthRecord {
  /** ms since epoch, in `year` (syslog lines carry no year). */
  time: number;
  host: string;
  program: string;
  pid?: number;
  message: string;
  /** The client address the message names, if any. */
  ip?: string;
}

const CLIENT = /(?:from|by|user \S+|with) ([0-9a-f.:]+) port \d+|rhost=([0-9a-f.:]+)|^Connection (?:closed|reset) by ([0-9a-f.:]+) port|Unable to negotiate with ([0-9a-f.:]+) port|Connection from ([0-9a-f.:]+) port|Disconnected from ([0-9a-f.:]+) port|Received disconnect from ([0-9a-f.:]+) port/;

export function parseAuthLine(line: string, year: number): AuthRecord | undefined {
  const m = SYSLOG_LINE.exec(line);
  if (!m) return undefined;
  const month = MONTHS[m[1]];
  if (month === undefined) return undefined;
  const message = m[9];
  const c = CLIENT.exec(message);
  const ip = c ? c.slice(1).find((g) => g !== undefined) : undefined;
  return {
    time: Date.UTC(year, month, Number(m[2].trim()), Number(m[3]), Number(m[4]), Number(m[5])),
    host: m[6],
    program: m[7],
    pid: m[8] === undefined ? undefined : Number(m[8]),
    message,
    ip: ip !== undefined && /\d/.test(ip) && (ip.includes('.') || ip.includes(':')) ? ip : undefined,
  };
}
