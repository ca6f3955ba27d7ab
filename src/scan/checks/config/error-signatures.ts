/**
 * What internals look like in an error answer: stack traces of the common runtimes, SQL and ORM
 * error texts, framework debug pages and absolute source paths. Bodies come from the target (hostile
 * input), so every expression runs on RE2, in time linear in the body.
 */
import RE2 from 're2';

export interface ErrorSignature {
  /** What kind of internal it reveals, for the finding's detail (`JavaScript stack trace`). */
  readonly kind: string;
  readonly re: RE2;
  /**
   * Weak alone (a file path can be data): counts only in an error answer (status ≥ 400, or a body
   * that says error).
   */
  readonly weak?: boolean;
}

function sig(kind: string, source: string, weak = false): ErrorSignature {
  return { kind, re: new RE2(source, 'i'), weak };
}

// `\\?"` allows the quotes of a text escaped inside a JSON string.
export const ERROR_SIGNATURES: readonly ErrorSignature[] = [
  sig('JavaScript stack trace', String.raw`\bat (?:[^\s()]{1,200} (?:\[as [^\]]{1,100}\] )?)?\(?(?:file://)?(?:/|[a-z]:\\|node:)[^\s()"']{1,300}:\d+:\d+\)?`),
  sig('Python traceback', String.raw`Traceback \(most recent call last\)|File \\?"[^"\n]{1,300}\.py\\?", line \d+`),
  sig('Java stack trace', String.raw`\bat (?:[\w$]+\.){2,}[\w$<>]+\((?:[\w$]+\.(?:java|kt|scala|groovy):\d+|Native Method|Unknown Source)\)`),
  sig('Java exception', String.raw`\b(?:java|javax|jakarta|org\.springframework|org\.hibernate|org\.apache|com\.fasterxml|io\.micronaut|io\.quarkus)\.(?:[\w$]+\.){0,10}[\w$]*(?:Exception|Error)\b`),
  sig('.NET stack trace', String.raw`\bat [\w.<>\x60\[\], ]{1,300}\([^)\n]{0,300}\) in [^\n]{1,300}?:line \d+|--- End of (?:inner exception )?stack trace|Server Error in '[^'\n]{0,100}' Application|\bSystem\.(?:[A-Z]\w*\.){0,5}[A-Z]\w*Exception\b`),
  sig('PHP error', String.raw`(?:Fatal error|Parse error|Warning|Notice|Uncaught [\w\\]{1,100})(?:</b>)?:[^\n]{0,500}? in (?:<b>)?[^\n<]{1,300}\.php(?:</b>)? on line (?:<b>)?\d+|PHP (?:Fatal error|Parse error|Warning|Notice): |#\d+ [^\n]{0,300}\.php\(\d+\): `),
  sig('Go panic', String.raw`goroutine \d+ \[[a-z ]{1,40}\]:|\.go:\d+ \+0x[0-9a-f]+|runtime error: (?:invalid memory address|index out of range|slice bounds out of range)`),
  sig('Ruby backtrace', String.raw`\.rb:\d+:in [\x60'][^'\n]{1,200}'`),
  sig(
    'SQL error',
    String.raw`SQLITE_[A-Z]{3,20}\b|SQLite3::\w{1,40}|sqlite3\.\w{0,20}Error|near \\?"[^"\n]{0,100}\\?": syntax error|no such (?:column|table): \w|You have an error in your SQL syntax|corresponds to your (?:MySQL|MariaDB) server version|Unknown column '[^'\n]{1,100}' in '|\bER_(?:PARSE_ERROR|BAD_FIELD_ERROR|NO_SUCH_TABLE|TRUNCATED_WRONG_VALUE)\b|syntax error at or near|invalid input syntax for (?:type )?\w|unterminated quoted string at or near|PG::\w{1,40}Error|psycopg2?\.(?:errors\.)?\w{1,40}|org\.postgresql\.util\.PSQLException|Unclosed quotation mark after the character string|Incorrect syntax near|Microsoft OLE DB Provider for|\[Microsoft\]\[ODBC|\bORA-\d{5}\b|SequelizeDatabaseError|QueryFailedError|PrismaClient\w{0,30}Error|Invalid \x60prisma\.|SQLSTATE\[\w{1,10}\]|django\.db\.utils\.\w{1,40}|sqlalchemy\.exc\.\w{1,40}|ActiveRecord::StatementInvalid|MongoServerError|\bMongoError\b|Cast to \w{1,20} failed for value`,
  ),
  sig(
    'framework debug page',
    String.raw`You're seeing this error because you have <code>DEBUG = True</code>|Using the URLconf defined in|Werkzeug Debugger|Whoops, looks like something went wrong|Action Controller: Exception caught|Rails\.root: |Symfony\\Component\\\w|Illuminate\\\w|ASP\.NET is configured to show verbose error messages`,
  ),
  // A path alone can be an asset reference (`<script src="/app/main.js">`): only a path with a
  // line number, or one named by a file-system error, counts.
  sig(
    'absolute source path',
    String.raw`(?:^|[\s"'(=\[,])/(?:[\w@.-]+/){1,30}[\w@.-]+\.(?:js|mjs|cjs|ts|py|rb|php|java|go|cs|jsp|erb|ex|exs|kt|scala|pl|pm)(?::\d+|\\?", line \d+|\(\d+\)| on line \d+| line \d+)|\b(?:ENOENT|EACCES|EISDIR|ENOTDIR|EPERM): [^\n]{0,200}?'(?:/|[a-z]:\\)[^'\n]{1,300}'`,
    true,
  ),
];

export interface ErrorLeak {
  readonly kind: string;
  /** The matched text. */
  readonly text: string;
}

/** The internals an answer shows (first match of each kind), weak kinds only in error answers. */
export function errorLeaks(status: number, body: string): ErrorLeak[] {
  const errorAnswer = status >= 400 || /error|exception/i.test(body.slice(0, 2000));
  const out: ErrorLeak[] = [];
  for (const s of ERROR_SIGNATURES) {
    if (s.weak === true && !errorAnswer) continue;
    const m = s.re.exec(body);
    if (m !== null) out.push({ kind: s.kind, text: m[0] });
  }
  // A path says nothing more once a stack trace or an error text has been seen.
  const strong = out.filter((l) => !ERROR_SIGNATURES.some((s) => s.kind === l.kind && s.weak === true));
  return strong.length > 0 ? strong : out;
}
