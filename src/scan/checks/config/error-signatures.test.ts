import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { errorLeaks } from './error-signatures.js';

const kinds = (status: number, body: string): string[] => errorLeaks(status, body).map((l) => l.kind);

describe('error signatures', () => {
  it.each([
    ['JavaScript stack trace', 500, 'TypeError: x is not a function\n    at getProduct (/app/src/routes/products.js:42:13)\n    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)'],
    ['JavaScript stack trace', 500, JSON.stringify({ error: 'boom', stack: 'Error: boom\n    at Object.<anonymous> (C:\\app\\x.js:1:2)' })],
    ['Python traceback', 500, 'Traceback (most recent call last):\n  File "/usr/lib/python3/app.py", line 12, in view'],
    ['Python traceback', 500, JSON.stringify({ trace: 'File "/srv/app/views.py", line 3, in get' })],
    ['Java stack trace', 500, 'java.lang.NumberFormatException: For input string: "x"\n\tat com.example.shop.ProductController.get(ProductController.java:12)'],
    ['Java exception', 400, '{"exception":"org.springframework.web.method.annotation.MethodArgumentTypeMismatchException"}'],
    ['.NET stack trace', 500, 'System.FormatException: Input string was not in a correct format.\n   at Api.Controllers.ProductsController.Get(String id) in C:\\src\\Api\\ProductsController.cs:line 42'],
    ['PHP error', 200, '<br />\n<b>Fatal error</b>:  Uncaught TypeError: bad in /var/www/html/index.php:12\nStack trace:\n#0 /var/www/html/index.php(20): f()\n  thrown in <b>/var/www/html/index.php</b> on line <b>12</b><br />'],
    ['Go panic', 500, 'panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/x/main.go:8 +0x1d'],
    ['Ruby backtrace', 500, "app/models/user.rb:12:in `find'"],
    ['SQL error', 500, JSON.stringify({ error: 'SQLITE_ERROR: near "x": syntax error' })],
    ['SQL error', 500, JSON.stringify({ error: 'invalid input syntax for type integer: "x-herd-1"' })],
    ['SQL error', 500, "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''' at line 1"],
    ['SQL error', 500, 'ORA-01756: quoted string not properly terminated'],
    ['SQL error', 400, '{"message":"Cast to ObjectId failed for value \\"x-herd-1\\" (type string) at path \\"_id\\""}'],
    ['framework debug page', 404, "<p>Using the URLconf defined in <code>shop.urls</code>, Django tried these URL patterns</p>"],
    ['absolute source path', 500, '{"error":"ENOENT: no such file or directory, open \'/srv/shop/data/x-herd-1.json\'"}'],
  ])('recognizes a %s', (kind, status, body) => {
    expect(kinds(status, body)).toContain(kind);
  });

  it.each([
    ['a clean problem+json', 400, JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'id must be an integer' })],
    ['an HTML 404 page with scripts', 404, '<html><head><script src="/app/static/main.js"></script><link href="/www/css/site.css"></head><body>Not found</body></html>'],
    ['a message about a line and column', 400, '{"message":"Unexpected token at line 3 column 4"}'],
    ['a file path returned as data', 200, JSON.stringify({ path: '/var/www/data/report.php' })],
    ['a JSON parse message without internals', 400, '{"error":"Unexpected end of JSON input"}'],
    ['a GraphQL syntax error message', 400, '{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>.","locations":[{"line":1,"column":14}]}]}'],
  ])('sees no internals in %s', (_name, status, body) => {
    expect(kinds(status, body)).toEqual([]);
  });

  it('scans a hostile megabyte in linear time', () => {
    const body = 'at ('.repeat(100_000) + '/a/'.repeat(100_000) + 'File "'.repeat(50_000);
    const started = performance.now();
    errorLeaks(500, body);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('never throws on arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.string({ maxLength: 2000 }), (status, body) => {
        expect(Array.isArray(errorLeaks(status, body))).toBe(true);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
