/**
 * The log generator with ground truth: a seeded, realistic nginx access log and sshd auth.log
 * (benign traffic with the hard cases real sites have, attackers of named behaviours at varied
 * intensities, interleaved in time) and truth.json saying which IP is which. Same seed, same bytes.
 * Used by the benchmarks and for the sample logs `npm start` replays on a machine without logs.
 */
export { generateCorpus, defaultCorpusStart, type Corpus, type CorpusOptions } from './corpus.js';
export { writeCorpus, writeLines, CORPUS_FILES, type WriteProgress } from './write-corpus.js';
export { parseGeneratorArgs, GENERATOR_USAGE, type GeneratorArgs } from './cli-args.js';
export type { Truth, TruthAttacker, LogName } from './truth.js';
export { HTTP_BEHAVIOURS, SSH_BEHAVIOURS, type Behaviour, type HttpBehaviour, type SshBehaviour } from './behaviours.js';
export { parseNginxLine, parseAuthLine, type NginxRecord, type AuthRecord } from './parse-lines.js';
