import type { Event } from './event.js';
import { NodeRuntimeError, type NodeEnv, type NodeIssues, type RuntimeNode } from './runtime-node.js';

/**
 * The stages of parsing (`s00-raw`, `s01-parse`, `s02-enrich`, … sorted by name) and the loop that
 * walks an event through them with CrowdSec's rules (pkg/parser/runtime.go Parse): within a stage,
 * nodes run in load order until one succeeds with `onsuccess: next_stage` or moves the event; a stage
 * where no node succeeds ends parsing and the line is not processed further.
 */

/** Observes every top-level node run (explain, hubtest dumps). Not used on the normal hot path. */
export interface ParseTracer {
  /** A stage is about to be considered for this event (before the skip of stages it already passed). */
  enterStage?(stage: string): void;
  beforeNode?(stage: string, node: RuntimeNode, evt: Event): void;
  afterNode(stage: string, node: RuntimeNode, success: boolean, evt: Event): void;
  stageFailed?(stage: string, evt: Event): void;
}

export class ParserPipeline {
  readonly stages: readonly string[];
  readonly nodes: readonly RuntimeNode[];
  private readonly byStage: RuntimeNode[][];
  /** Reused for every event: parsing is synchronous, so one env object serves all lines. */
  private readonly env: NodeEnv;

  constructor(nodes: readonly RuntimeNode[], stages?: readonly string[]) {
    this.nodes = nodes;
    this.stages = stages ?? [...new Set(nodes.map((n) => n.stage))].sort();
    this.byStage = this.stages.map((s) => nodes.filter((n) => n.stage === s));
    this.env = { evt: null as unknown as Event };
  }

  /**
   * Parses `evt` in place. Returns `evt.Process`: true when every stage was passed. Throws only
   * NodeRuntimeError, for a line whose static produced a value of the wrong type (CrowdSec aborts
   * that line too); the caller counts it as unparsed.
   */
  parse(evt: Event, issues: NodeIssues, tracer?: ParseTracer): boolean {
    const stages = this.stages;
    if (evt.Stage === '' && stages.length > 0) evt.Stage = stages[0]!;
    evt.Process = false;
    const env = this.env;
    env.evt = evt;
    try {
      for (let s = 0; s < stages.length; s++) {
        const stage = stages[s]!;
        if (tracer?.enterStage) tracer.enterStage(stage);
        const at = stages.indexOf(evt.Stage);
        if (at > s) continue; // the event was injected at a later stage
        if (evt.Stage !== stage) return false;
        let stageOk = false;
        const nodes = this.byStage[s]!;
        for (let i = 0; i < nodes.length; i++) {
          const node = nodes[i]!;
          if (tracer?.beforeNode) tracer.beforeNode(stage, node, evt);
          const ok = node.process(env, stages, issues);
          if (tracer) tracer.afterNode(stage, node, ok, evt);
          if (ok) {
            stageOk = true;
            if (node.nextStageOnSuccess) break;
          }
          if (evt.Stage !== stage) break;
        }
        if (!stageOk) {
          if (tracer?.stageFailed) tracer.stageFailed(stage, evt);
          return false;
        }
      }
      evt.Process = true;
      return true;
    } finally {
      env.evt = null as unknown as Event;
    }
  }
}

export { NodeRuntimeError };
