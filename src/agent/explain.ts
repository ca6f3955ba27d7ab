import type { Line } from '../acquisition/index.js';
import { newLogEvent, TIMEMACHINE, type Event, type NodeIssues, type ParseTracer, type ParserPipeline, type RuntimeNode } from '../parse/index.js';
import type { BucketEngine } from '../scenarios/index.js';

/**
 * `herd explain`: runs one line through the parsers and tells, stage by stage, every node tried,
 * whether it succeeded, and what it set — then which scenarios the parsed event would feed. The
 * same information `cscli explain` gives, as text or JSON.
 */

export interface FieldChange {
  op: '+' | '~' | '-';
  field: string;
  value: string;
  old?: string;
}

export interface NodeTrace {
  name: string;
  success: boolean;
  /** Why it failed, when the filter told it. */
  reason?: string;
  changes: FieldChange[];
}

export interface StageTrace {
  stage: string;
  nodes: NodeTrace[];
  passed: boolean;
}

export interface Explanation {
  line: string;
  type: string;
  stages: StageTrace[];
  parsed: boolean;
  whitelisted: boolean;
  whitelistReason: string;
  scenarios: string[];
  problems: string[];
}

type Snapshot = Map<string, string>;

function snapshot(evt: Event): Snapshot {
  const m: Snapshot = new Map();
  for (const [k, v] of Object.entries(evt.Parsed)) m.set(`evt.Parsed.${k}`, v);
  for (const [k, v] of Object.entries(evt.Meta)) m.set(`evt.Meta.${k}`, v);
  for (const [k, v] of Object.entries(evt.Enriched)) m.set(`evt.Enriched.${k}`, v);
  for (const k of ['StrTime', 'StrTimeFormat', 'MarshaledTime', 'WhitelistReason'] as const) if (evt[k] !== '') m.set(`evt.${k}`, evt[k]);
  if (evt.Whitelisted) m.set('evt.Whitelisted', 'true');
  return m;
}

function diff(before: Snapshot, after: Snapshot): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [k, v] of after) {
    const old = before.get(k);
    if (old === undefined) out.push({ op: '+', field: k, value: v });
    else if (old !== v) out.push({ op: '~', field: k, value: v, old });
  }
  for (const [k, v] of before) if (!after.has(k)) out.push({ op: '-', field: k, value: v });
  return out.sort((a, b) => a.field.localeCompare(b.field));
}

export function explainLine(line: Line, parser: ParserPipeline, engine: BucketEngine): Explanation {
  const evt = newLogEvent(line, TIMEMACHINE);
  const stages = new Map<string, StageTrace>();
  const problems: string[] = [];
  const issues: NodeIssues = { report: (kind, where, detail) => problems.push(`${kind} at ${where}: ${detail}`) };
  let before: Snapshot = new Map();
  const stageOf = (stage: string): StageTrace => {
    let s = stages.get(stage);
    if (!s) {
      s = { stage, nodes: [], passed: false };
      stages.set(stage, s);
    }
    return s;
  };
  const tracer: ParseTracer = {
    beforeNode: (_stage, _node, e) => {
      before = snapshot(e);
    },
    afterNode: (stage, node: RuntimeNode, success, e) => {
      const trace: NodeTrace = { name: node.name || '(unnamed)', success, changes: diff(before, snapshot(e)) };
      if (!success && node.filter) {
        try {
          if (node.filter.run({ evt: e }) !== true) trace.reason = 'filter mismatch';
        } catch (err) {
          trace.reason = `filter error: ${(err as Error).message}`;
        }
      }
      const st = stageOf(stage);
      st.nodes.push(trace);
      if (success) st.passed = true;
    },
    stageFailed: (stage) => {
      stageOf(stage).passed = false;
    },
  };
  let parsed = false;
  try {
    parsed = parser.parse(evt, issues, tracer);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return {
    line: line.raw,
    type: line.labels.type ?? '',
    stages: [...stages.values()],
    parsed,
    whitelisted: evt.Whitelisted,
    whitelistReason: evt.WhitelistReason,
    scenarios: parsed && !evt.Whitelisted ? engine.matchingScenarios(evt) : [],
    problems,
  };
}

/** The explanation as text, in the shape `cscli explain` prints. */
export function formatExplanation(x: Explanation, verbose = true): string {
  const out: string[] = [`line: ${x.line}`];
  for (const st of x.stages) {
    out.push(`\t├ ${st.stage}`);
    st.nodes.forEach((n, i) => {
      const last = i === st.nodes.length - 1;
      const mark = n.success ? 'ok' : 'KO';
      const counts = n.changes.length ? ` (${summarise(n.changes)})` : '';
      out.push(`\t|\t${last ? '└' : '├'} [${mark}] ${n.name}${counts}${n.reason ? ` — ${n.reason}` : ''}`);
      if (verbose && n.success) {
        for (const c of n.changes) {
          const detail = c.op === '~' ? `${c.old} -> ${c.value}` : c.value;
          out.push(`\t|\t${last ? ' ' : '|'}\t${c.op} ${c.field} : ${detail}`);
        }
      }
    });
  }
  out.push(`\t├-------- parser ${x.parsed ? 'success' : 'failure'}${x.whitelisted ? ` (whitelisted: ${x.whitelistReason})` : ''}`);
  if (x.parsed && !x.whitelisted) {
    out.push('\t├ Scenarios');
    if (x.scenarios.length === 0) out.push('\t\t└ (none)');
    x.scenarios.forEach((s, i) => out.push(`\t\t${i === x.scenarios.length - 1 ? '└' : '├'} ${s}`));
  }
  for (const p of x.problems) out.push(`\t! ${p}`);
  return out.join('\n');
}

function summarise(changes: FieldChange[]): string {
  const add = changes.filter((c) => c.op === '+').length;
  const mod = changes.filter((c) => c.op === '~').length;
  const del = changes.filter((c) => c.op === '-').length;
  return [add ? `+${add}` : '', mod ? `~${mod}` : '', del ? `-${del}` : ''].filter(Boolean).join(' ');
}
