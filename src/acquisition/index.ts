/**
 * Acquisition: where log lines come from. Sources read files (followed like `tail -F`, with exact
 * resume cursors that survive rotation and restarts), replay a file or stdin to its end, follow
 * journald through `journalctl`, and listen for syslog over UDP/TCP. They yield batches of `Line`s
 * and count what they read; they never parse. The agent stores each batch's results together with
 * the newest cursor of each file, in one transaction, and hands the cursors back at start-up.
 * Entries of CrowdSec's acquis.yaml become sources through `createSource`.
 */
export type { Line, Cursor } from './line.js';
export type { LineSource, SourceMetrics, SourceCounters } from './source.js';
export { LineSplitter, MAX_LINE_BYTES, type SplitCounters } from './line-splitter.js';
export { parseDsn, type ReplayInput } from './dsn.js';
export { ReplaySource, createReplaySource, type ReplaySourceOptions } from './replay-source.js';
export { FileSource, createFileSource, type FileSourceOptions } from './file-source.js';
export { JournaldSource, createJournaldSource, type JournaldSourceOptions } from './journald-source.js';
export { formatRecord as formatJournalRecord, syslogTimestamp } from './journald-record.js';
export { SyslogSource, createSyslogSource, type SyslogSourceOptions, type ListenAddress } from './syslog-source.js';
export { toSyslogLine } from './syslog-message.js';
export {
  createSource,
  parseAcquisition,
  parseDuration,
  type AcquisitionConfig,
  type FileAcquisition,
  type JournalctlAcquisition,
  type SyslogAcquisition,
  type SourceDeps,
} from './source-config.js';
export { compileGlob, expandGlob, matchesGlob, type CompiledGlob } from './glob.js';
