/**
 * Regular expressions and grok patterns for hostile log lines. CrowdSec content is written in Go
 * RE2 syntax; herd parses it, keeps RE2's meaning, and guarantees linear time. A pattern runs on
 * V8 when it can be rewritten for V8's linear engine (irregexp runs it, and the linear engine
 * takes over on excessive backtracking); otherwise, for inputs over MAX_V8_INPUT_LENGTH, and for
 * a while after a slow V8 run, the `re2` binding runs it. Both give the same answers. Grok
 * patterns expand `%{NAME:semantic}` references from a pattern library with grokky's rules.
 * Every compiled regex first checks a literal prefilter derived from its AST (literals that any
 * match must contain, e.g. one of the 60 names of a scanner alternation), so most non-matching
 * inputs are rejected by one scan instead of a run of the regex.
 *
 * Importing this module sets process-wide V8 flags (see v8-regexp-flags.ts): the linear engine
 * fallback, and no irregexp loop optimisations (every regex in the process loses them).
 *
 * Known differences with Go: on the V8 path text is matched as UTF-16 code units, so a character
 * outside the BMP counts as two for `.`, negated classes and counted repeats (classes that list
 * only some such characters, and `\p{…}`, run on RE2, which sees code points); case folding and
 * Unicode scripts come from V8's and RE2's Unicode data rather than Go's; `\p{…}` also accepts the
 * script aliases V8 knows (RE2 may then refuse them); on the RE2 path `\B` can match between the
 * bytes of one UTF-8 character, and lone surrogates in the input read as U+FFFD. Grok semantics
 * map to their group exactly, where grokky's heuristic group counter is off after text such as
 * `access)` or `|-)` (in the shared library: CISCOFW710001_…, SYSLOG5424BASE).
 */

export {
  compileRegex,
  compileParsedRegex,
  MAX_V8_INPUT_LENGTH,
  SLOW_V8_EXEC_MS,
  RE2_RUNS_AFTER_SLOW_EXEC,
  type SafeRegex,
  type RegexMatch,
  type RegexEngine,
  type CompileRegexOptions,
} from './safe-regex.js';
export {
  literalCondition,
  prefilterTerms,
  formatCondition,
  MIN_PREFILTER_LITERAL_LENGTH,
  MAX_PREFILTER_TERMS,
  type LiteralCondition,
  type ConditionLiteral,
  type LiteralTerm,
} from './literal-condition.js';
export { LiteralAutomaton, type LiteralPrefilter } from './literal-search.js';
export { parseGoRegex, RegexSyntaxError, MAX_REPEAT, type ParsedRegex, type CaptureInfo } from './go-regex-syntax.js';
export type { RegexNode } from './regex-ast.js';
export { BACKTRACKS_BEFORE_LINEAR_FALLBACK } from './v8-regexp-flags.js';
export { PatternLibrary, expandGrok, type PatternDefinition, type DuplicatePattern, type GrokExpansion } from './pattern-library.js';
export { loadPatternDirectory, addPatternText, parsePatternLines, BASE_PATTERN_FILE, type PatternLine } from './pattern-files.js';
export { compileGrok, compileNamedGrok, type GrokPattern } from './grok-compile.js';
export { requiredLiterals, MIN_REQUIRED_LITERAL_LENGTH } from './required-literals.js';
