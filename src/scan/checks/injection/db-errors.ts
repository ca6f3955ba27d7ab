/**
 * Database error signatures: texts that a database (or its driver) produces when the SQL it was
 * given does not parse. Only syntax errors are listed — a type conversion error ("invalid input
 * syntax for type integer") also happens with bound parameters and proves nothing. Patterns are
 * anchored on literal text with bounded repetitions, so they run in linear time on hostile bodies.
 */

export type DbEngine = 'SQLite' | 'MySQL/MariaDB' | 'PostgreSQL' | 'Microsoft SQL Server' | 'Oracle' | 'SQL (generic driver)';

const SIGNATURES: readonly (readonly [DbEngine, RegExp])[] = [
  ['SQLite', /\bSQLITE_ERROR\b/],
  ['SQLite', /\bsqlite3?\.(?:Operational|Programming|Database)Error\b/],
  ['SQLite', /\bSqliteError\b/],
  ['SQLite', /unrecognized token: \\?["']/],
  ['SQLite', /near \\?"[^"\n]{0,120}\\?": syntax error/],
  ['SQLite', /System\.Data\.SQLite|org\.sqlite\.SQLiteException|SQLite3::SQLException/],
  ['MySQL/MariaDB', /You have an error in your SQL syntax/i],
  ['MySQL/MariaDB', /check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB)/i],
  ['MySQL/MariaDB', /\bER_PARSE_ERROR\b/],
  ['MySQL/MariaDB', /com\.mysql\.(?:cj\.)?jdbc\.exceptions|MySQLSyntaxErrorException/],
  ['MySQL/MariaDB', /Warning: mysqli?_[a-z_]{1,30}\(/],
  ['MySQL/MariaDB', /pymysql\.err\.ProgrammingError|MySQLdb\._exceptions\.ProgrammingError|mysql\.connector\.errors\.ProgrammingError/],
  ['PostgreSQL', /unterminated quoted (?:string|identifier) at or near/],
  ['PostgreSQL', /syntax error at or near \\?["']/],
  ['PostgreSQL', /syntax error at end of input/],
  ['PostgreSQL', /PG::SyntaxError|psycopg2?\.errors\.SyntaxError|org\.postgresql\.util\.PSQLException: ERROR: syntax/],
  ['Microsoft SQL Server', /Unclosed quotation mark (?:after|before) the character string/],
  ['Microsoft SQL Server', /Incorrect syntax near/],
  ['Microsoft SQL Server', /\[Microsoft\]\[ODBC SQL Server Driver\]|Microsoft OLE DB Provider for (?:SQL Server|ODBC)/],
  ['Oracle', /\bORA-0(?:0907|0911|0917|0920|0921|0933|0936|1740|1756)\b/],
  ['Oracle', /quoted string not properly terminated/],
  ['SQL (generic driver)', /\bSQLSTATE\[(?:42000|42601)\]/],
];

/** Where a body matched a signature: the engine and the matching text. */
export interface DbErrorMatch {
  readonly engine: DbEngine;
  readonly text: string;
}

/** The first database syntax error in `body`, or null. */
export function findDbError(body: string): DbErrorMatch | null {
  for (const [engine, re] of SIGNATURES) {
    const m = re.exec(body);
    if (m !== null) return { engine, text: m[0] };
  }
  return null;
}

/** Whether any of `bodies` shows the same signature (then the error is not caused by the payload). */
export function anyHasDbError(bodies: readonly string[], match: DbErrorMatch): boolean {
  return bodies.some((b) => {
    const m = findDbError(b);
    return m !== null && m.engine === match.engine;
  });
}
