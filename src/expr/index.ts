/**
 * The expression language of CrowdSec content (parser filters, statics, scenario filter/groupby/
 * distinct, profile filters, hubtest asserts): expr-lang, evaluated with Go's semantics. Text is
 * parsed and compiled once (`compileExpr`) into one generated JavaScript function, or a tree of
 * closures where code generation does not apply, then run per event. Values follow Go's
 * model (see values.ts): StringMap for map[string]string, int vs float tracked statically, byte
 * semantics for strings. CrowdSec's helpers come from `crowdsecHelpers(deps)`; those reading data
 * files or the stash need a `DataFiles` or a `Stash` instance in `deps`.
 */
export { compileExpr, type CompiledExpr } from './compile-expr.js';
export type { ExprCompileOptions, RegexCompiler, RegexLike, FieldReader, FieldReaderFactory } from './compile-types.js';
export { ExprSyntaxError, ExprRuntimeError } from './errors.js';
export {
  createStringMap,
  isStringMap,
  isPlainMap,
  isNil,
  withResultKind,
  goTypeOf,
  exprTypeName,
  type StringMap,
  type StaticKind,
  type ExprFunction,
} from './values.js';
export { equal as goEqual } from './value-ops.js';
export { formatValue as formatGoValue, goQuote } from './go-fmt.js';
export { goSprintf } from './go-sprintf.js';
export { formatFloat as formatGoFloat, parseGoFloat, parseGoInt } from './go-number.js';
export { goMarshalJSON, goUnmarshalJSON } from './go-json.js';
export { crowdsecHelpers, globMatch, type CrowdsecHelperDeps } from './crowdsec-helpers.js';
export { DataFiles, type DataFileEntry, type DataFilesOptions } from './data-files.js';
export { Stash, DEFAULT_STASH_SIZE, type StashDefinition, type StashOptions } from './stash.js';
export type { StashStrategy } from './stash-cache.js';
export { GoLocation } from './builtins-time.js';
export { GoDuration, parseGoDuration, formatGoDuration } from './go-duration.js';
export {
  GoTime,
  GoLayout,
  compileGoLayout,
  parseGoTime,
  formatGoTime,
  GO_LAYOUTS,
} from './go-time.js';
