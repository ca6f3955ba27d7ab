import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { HerdError, fileLine, parseYamlDocuments, validateYamlDoc } from '../core/index.js';
import { buildNode, type NodeBuildDeps } from './build-node.js';
import { nodeSchema } from './node-config.js';
import { ParserPipeline } from './parser-pipeline.js';
import type { RuntimeNode } from './runtime-node.js';

/**
 * Loads parser files (one or more YAML documents each, CrowdSec's format) into a ParserPipeline.
 * Every file is validated and compiled completely; the first problem stops the load with its file,
 * line and reason, so herd never runs half-configured.
 */

export interface ParserFile {
  path: string;
  /** Stage of the nodes in this file; defaults to the name of the directory holding it (`s01-parse`). */
  stage?: string;
}

export function stageOfPath(path: string): string {
  return basename(dirname(path));
}

export function loadParserFiles(files: readonly ParserFile[], deps: NodeBuildDeps): ParserPipeline {
  const nodes: RuntimeNode[] = [];
  // Within a stage, files run in name order (as CrowdSec orders installed items), nodes in file order.
  const sorted = [...files].sort((a, b) => {
    const sa = a.stage ?? stageOfPath(a.path);
    const sb = b.stage ?? stageOfPath(b.path);
    return sa === sb ? basename(a.path).localeCompare(basename(b.path)) : sa.localeCompare(sb);
  });
  for (const file of sorted) nodes.push(...loadParserFile(file, deps));
  return new ParserPipeline(nodes);
}

export function loadParserFile(file: ParserFile, deps: NodeBuildDeps): RuntimeNode[] {
  const stage = file.stage ?? stageOfPath(file.path);
  if (!/^s\d\d-/.test(stage)) {
    throw new HerdError('HERD_PARSER_INVALID', `cannot tell the stage of this parser: put it in a stage directory such as s01-parse`, {
      where: file.path,
    });
  }
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_PARSER_READ', `cannot read parser file: ${(err as Error).message}`, { where: file.path });
  }
  return parseParserText(text, file.path, stage, deps);
}

export function parseParserText(text: string, path: string, stage: string, deps: NodeBuildDeps): RuntimeNode[] {
  const out: RuntimeNode[] = [];
  for (const doc of parseYamlDocuments(text, path)) {
    const cfg = validateYamlDoc(nodeSchema, doc, path, 'parser');
    if (!cfg.name && !cfg.description && !cfg.author) {
      deps.warn('parser node has no name, author or description; skipped (as CrowdSec does)', fileLine(path, doc.line));
      continue;
    }
    out.push(buildNode(cfg, { stage, where: (p) => fileLine(path, doc.lineOf(p)) }, deps));
  }
  return out;
}
