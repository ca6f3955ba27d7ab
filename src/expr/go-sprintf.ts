/**
 * Go's `fmt.Sprintf` (CrowdSec's `Sprintf`, `LogInfo`): verbs, flags, width, precision, `*`,
 * argument indexes, and Go's error forms (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA ...)`).
 */
import { canBackquote, formatValue, goQuote, hex, isPrintable, sortedEntries, stringerText } from './go-fmt.js';
import { formatFloat } from './go-number.js';
import { goTypeOf, isIntValue, isPlainMap, isStringMap } from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1: none
  prec: number; // -1: none
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false, width: -1, prec: -1 };

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Pads to the width (in characters) with spaces, or zeros after the sign for numbers with `0`. */
function pad(text: string, f: Flags, numeric = false): string {
  if (f.width < 0) return text;
  const n = runeCount(text);
  if (n >= f.width) return text;
  const fill = f.width - n;
  if (f.minus) return text + ' '.repeat(fill);
  if (f.zero && numeric) {
    const signLen = /^[+\- ]/.test(text) ? 1 : 0;
    return text.slice(0, signLen) + '0'.repeat(fill) + text.slice(signLen);
  }
  if (f.zero && !numeric) return '0'.repeat(fill) + text;
  return ' '.repeat(fill) + text;
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeOf(v)}=${formatValue(v)})`;
}

function formatInteger(n: number, verb: string, f: Flags): string {
  const neg = n < 0;
  let digits: string;
  const big = BigInt(Math.trunc(Math.abs(n)));
  switch (verb) {
    case 'b':
      digits = big.toString(2);
      break;
    case 'o':
    case 'O':
      digits = big.toString(8);
      break;
    case 'x':
      digits = big.toString(16);
      break;
    case 'X':
      digits = big.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(validRune(n)), f);
    case 'q':
      return pad(quoteRune(validRune(n), f), f);
    case 'U': {
      const cp = Math.trunc(n);
      let s = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      if (f.sharp && cp >= 0 && cp <= 0x10ffff && isPrintable(String.fromCodePoint(cp))) {
        s += ` '${String.fromCodePoint(cp)}'`;
      }
      return pad(s, f);
    }
    default:
      digits = big.toString(10);
  }
  if (f.prec >= 0) {
    if (f.prec === 0 && big === 0n) digits = '';
    else if (digits.length < f.prec) digits = '0'.repeat(f.prec - digits.length) + digits;
  }
  let prefix = '';
  if (f.sharp) {
    if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
    else if (verb === 'b') prefix = '0b';
    else if (verb === 'o' && !digits.startsWith('0')) prefix = '0';
  }
  if (verb === 'O') prefix = '0o';
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  const zeroOk = f.zero && f.prec < 0 && !f.minus;
  if (zeroOk && f.width > 0) {
    const body = prefix + digits;
    const fill = f.width - sign.length - body.length;
    return sign + prefix + (fill > 0 ? '0'.repeat(fill) : '') + digits;
  }
  return pad(sign + prefix + digits, { ...f, zero: false });
}

function validRune(n: number): number {
  const cp = Math.trunc(n);
  return cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp;
}

function quoteRune(cp: number, f: Flags): string {
  const ch = String.fromCodePoint(cp);
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = goQuote(ch, f.plus, "'");
  return q;
}

function formatFloatVerb(x: number, verb: string, f: Flags): string {
  let text: string;
  switch (verb) {
    case 'e':
    case 'E':
      text = formatFloat(x, verb, f.prec < 0 ? 6 : f.prec);
      break;
    case 'f':
    case 'F':
      text = formatFloat(x, 'f', f.prec < 0 ? 6 : f.prec);
      break;
    case 'g':
    case 'G':
      text = formatFloat(x, verb, f.prec);
      break;
    default:
      text = formatFloat(x, 'g', f.prec);
  }
  if (f.sharp && (verb === 'v' || verb === 'g' || verb === 'G') && !text.includes('.') && /^[+-]?\d/.test(text)) {
    const e = text.search(/[eE]/);
    text = e < 0 ? `${text}.` : `${text.slice(0, e)}.${text.slice(e)}`;
  }
  if (Number.isNaN(x)) text = f.plus ? '+NaN' : f.space ? ' NaN' : 'NaN';
  else if (text === '+Inf') text = f.space && !f.plus ? ' Inf' : '+Inf';
  else if (!text.startsWith('-') && !text.startsWith('+')) {
    if (f.plus) text = `+${text}`;
    else if (f.space) text = ` ${text}`;
  }
  if (!Number.isFinite(x)) return pad(text, { ...f, zero: false });
  return pad(text, f, true);
}

function formatString(s: string, verb: string, f: Flags): string {
  let t = s;
  switch (verb) {
    case 'v':
      if (f.sharp) return pad(goQuote(t), f);
      break;
    case 's':
      break;
    case 'q':
      if (f.prec >= 0) t = Array.from(t).slice(0, f.prec).join('');
      if (f.sharp && canBackquote(t)) return pad(`\`${t}\``, f);
      return pad(goQuote(t, f.plus), f);
    case 'x':
    case 'X': {
      let bytes = Buffer.from(t, 'utf8');
      if (f.prec >= 0 && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
      const parts = Array.from(bytes, (b) => {
        const h = hex(b, 2);
        return verb === 'X' ? h.toUpperCase() : h;
      });
      const prefix = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const text = f.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
      return pad(text, f);
    }
    default:
      return badVerb(verb, s);
  }
  if (f.prec >= 0) t = Array.from(t).slice(0, f.prec).join('');
  return pad(t, f);
}

/** Formats one operand for one verb, as Go's fmt does for the types expressions produce. */
function formatArg(v: unknown, verb: string, f: Flags): string {
  if (verb === 'T') return pad(goTypeOf(v), f);
  if (verb === 'p') return badVerb(verb, v);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', f) : badVerb(verb, v);
  switch (typeof v) {
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(v ? 'true' : 'false', f) : badVerb(verb, v);
    case 'string':
      return formatString(v, verb, f);
    case 'number': {
      const isInt = isIntValue(v);
      if ('eEfFgG'.includes(verb)) return formatFloatVerb(v, verb, f);
      if (verb === 'v') return isInt ? formatInteger(v, 'd', f) : formatFloatVerb(v, 'v', f);
      if ('dbcoOqxXU'.includes(verb)) return isInt ? formatInteger(v, verb, f) : badVerb(verb, v);
      return badVerb(verb, v);
    }
    default:
      break;
  }
  if (Array.isArray(v)) {
    if (verb === 'q' || verb === 'v' || verb === 's' || 'dxXobeEfFgGt'.includes(verb)) {
      return pad(`[${v.map((x) => formatArg(x, verb, { ...NO_FLAGS, plus: f.plus, sharp: f.sharp })).join(' ')}]`, {
        ...f,
        zero: false,
      });
    }
    return badVerb(verb, v);
  }
  if (isStringMap(v) || isPlainMap(v) || v instanceof Map) {
    const inner = { ...NO_FLAGS, plus: f.plus, sharp: f.sharp };
    const parts = sortedEntries(v).map(([k, x]) => `${formatArg(k, verb, inner)}:${formatArg(x, verb, inner)}`);
    return pad(`map[${parts.join(' ')}]`, f);
  }
  if (typeof v === 'object') {
    const text = stringerText(v);
    if (text !== null) {
      if (verb === 'v' || verb === 's') return formatString(text, 's', f);
      if (verb === 'q' || verb === 'x' || verb === 'X') return formatString(text, verb, f);
    }
    if (verb === 'v' || verb === 's' || verb === 'd') return pad(formatValue(v, 'any', f.plus), f);
  }
  return badVerb(verb, v);
}

/** Go's `fmt.Sprintf(format, args...)`. */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  const n = format.length;
  let i = 0;

  const parseNum = (): number | null => {
    let j = i;
    while (j < n && format.charCodeAt(j) >= 48 && format.charCodeAt(j) <= 57) j++;
    if (j === i) return null;
    const num = Number(format.slice(i, j));
    i = j;
    return num > 1e6 ? null : num;
  };

  /** `[n]` argument index; returns whether one was present. */
  const argIndex = (): void => {
    if (i >= n || format[i] !== '[') return;
    reordered = true;
    const close = format.indexOf(']', i);
    if (close < 0) {
      goodArgNum = false;
      i = n;
      return;
    }
    const idx = /^\d+$/.test(format.slice(i + 1, close)) ? Number(format.slice(i + 1, close)) : -1;
    i = close + 1;
    if (idx < 1 || idx > args.length) {
      goodArgNum = false;
      return;
    }
    argNum = idx - 1;
  };

  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...NO_FLAGS };
    goodArgNum = true;
    // flags
    for (; i < n; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    argIndex();
    // width
    if (i < n && format[i] === '*') {
      i++;
      const w = argNum < args.length ? args[argNum] : undefined;
      argNum++;
      if (typeof w === 'number' && Number.isInteger(w)) {
        f.width = w;
        if (w < 0) {
          f.minus = true;
          f.zero = false;
          f.width = -w;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const w = parseNum();
      if (w !== null) f.width = w;
    }
    // precision
    if (i < n && format[i] === '.') {
      i++;
      argIndex();
      if (i < n && format[i] === '*') {
        i++;
        const p = argNum < args.length ? args[argNum] : undefined;
        argNum++;
        if (typeof p === 'number' && Number.isInteger(p) && p >= 0) f.prec = p;
        else out += '%!(BADPREC)';
      } else {
        f.prec = parseNum() ?? 0;
      }
    }
    argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argNum], verb, f);
    argNum++;
  }
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeOf(a)}=${formatValue(a)}`))
      .join(', ')})`;
  }
  return out;
}
