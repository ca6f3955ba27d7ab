/**
 * injection.path-traversal — inputs that name files reach outside their directory. Tried on inputs
 * whose name says file or path (name, file, path, doc, template, page, download…) or whose value
 * looks like one (contains `.`, `/` or `\`, and is neither a URL nor an e-mail address nor a
 * number). Payloads climb with `../` in the forms filters miss (URL-encoded, double-encoded,
 * `....//`, `..\`, an absolute path) to /etc/passwd and windows/win.ini; the finding needs the
 * file's content in the answer (`root:…:0:0:`, `[fonts]`) and not in the baseline, twice.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import type { InjectionPoint } from './inputs.js';
import { describeInput, isSecretInput, probeInputs, shown, type Baseline, type Prober } from './probe.js';

const DEPTH = 10;
/** Encoded forms climb less far: some routers cap a parameter at 100 characters (Fastify). */
const ENCODED_DEPTH = 6;
const PASSWD = /root:[^:\r\n]{0,100}:0:0:/;
const WIN_INI = /\[fonts\][\s\S]{0,2000}\[(?:extensions|mci extensions|files)\]|; for 16-bit app support/i;

/** Words that name a file or a path, matched against the words of the input's name. */
const FILE_WORDS = new Set([
  'file', 'filename', 'filepath', 'path', 'dir', 'directory', 'folder', 'doc', 'docs', 'document', 'template', 'tpl', 'page',
  'download', 'attachment', 'include', 'view', 'layout', 'resource', 'asset', 'name', 'lang', 'locale', 'theme', 'report', 'log',
  'src', 'source', 'load', 'read', 'module', 'style', 'content', 'static',
]);

export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function looksLikeFile(p: InjectionPoint): boolean {
  if (isSecretInput(p)) return false;
  if (p.valueType !== 'string' || /^-?\d+(\.\d+)?$/.test(p.value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p.value) || /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(p.value)) return false;
  if (p.schema?.format === 'email' || p.schema?.format === 'uri' || p.schema?.format === 'date' || p.schema?.format === 'date-time') return false;
  return words(p.leaf).some((w) => FILE_WORDS.has(w)) || /[./\\]/.test(p.value);
}

interface Payload {
  readonly value: string;
  readonly file: 'passwd' | 'win.ini';
}

function payloads(original: string): Payload[] {
  const up = '../'.repeat(DEPTH);
  const list: Payload[] = [
    { value: `${up}etc/passwd`, file: 'passwd' },
    { value: '/etc/passwd', file: 'passwd' },
    { value: `${'%2e%2e%2f'.repeat(ENCODED_DEPTH)}etc%2fpasswd`, file: 'passwd' },
    { value: `${'%252e%252e%252f'.repeat(ENCODED_DEPTH - 1)}etc%252fpasswd`, file: 'passwd' },
    { value: `${'....//'.repeat(ENCODED_DEPTH)}etc/passwd`, file: 'passwd' },
    { value: `${'..\\'.repeat(DEPTH)}windows\\win.ini`, file: 'win.ini' },
    { value: `${up}windows/win.ini`, file: 'win.ini' },
  ];
  // An application that insists on its own folder prefix (`docs/…`) is climbed from there.
  const slash = original.lastIndexOf('/');
  if (slash > 0 && !original.startsWith('/')) list.splice(1, 0, { value: `${original.slice(0, slash + 1)}${up}etc/passwd`, file: 'passwd' });
  return list;
}

const signature = (file: Payload['file']): RegExp => (file === 'passwd' ? PASSWD : WIN_INI);

async function probeInput(point: InjectionPoint, prober: Prober, base: Baseline): Promise<{ detail: string; evidence: Exchange[] } | null> {
  for (const p of payloads(point.value)) {
    if (!prober.canSend(2)) return null;
    const re = signature(p.file);
    if (base.exchanges.some((e) => e.response !== null && re.test(e.response.body))) continue;
    const first = await prober.send(point.set(p.value));
    const m = first.response === null ? null : re.exec(first.response.body);
    if (m === null) continue;
    const second = await prober.send(point.set(p.value));
    if (second.response === null || !re.test(second.response.body)) continue;
    const what = p.file === 'passwd' ? '/etc/passwd' : 'windows/win.ini';
    return {
      detail: `The value ${shown(p.value)} in the ${describeInput(point)} returned the content of ${what} (${shown(m[0].slice(0, 60))}), twice: the value is used as a file path outside the intended directory.`,
      evidence: [base.exchanges[0], first, second],
    };
  }
  return null;
}

export const pathTraversal: Check = {
  id: 'injection.path-traversal',
  title: 'Path traversal',
  severity: 'high',
  cwe: 'CWE-22',
  owasp: 'API8:2023',
  appliesTo: 'any',
  description:
    'An input that names a file is joined to a directory without confining the result, so ../ sequences (or an absolute path, or their encoded forms) read files anywhere the API process can: configuration with database passwords, keys, source code, /etc/passwd (OWASP Top 10 2021 A03:2021 Injection; A01:2021 Broken Access Control). Where the same input writes files, it can also overwrite code. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Do not use request values as paths. Map an identifier to a file through a lookup (database row, fixed list), or accept only a plain file name (reject /, \\, .. and NUL, decode once), then resolve it against the base directory and check that the real path still starts with that directory before opening it.',
    snippets: {
      Express: `import path from 'node:path';
import fs from 'node:fs/promises';
const DOCS = path.resolve('docs');

app.get('/api/files', async (req, res) => {
  const name = String(req.query.name ?? '');
  const full = path.resolve(DOCS, name);
  if (!/^[\\w.-]+$/.test(name) || !full.startsWith(DOCS + path.sep)) return res.status(400).json({ error: 'invalid name' });
  res.type('text/plain').send(await fs.readFile(full));
});`,
      Fastify: `// @fastify/static serves a folder and refuses to leave it
await app.register(import('@fastify/static'), { root: path.resolve('docs'), prefix: '/docs/' });
// or, by hand, in a handler:
const full = await fs.realpath(path.resolve(DOCS, name)).catch(() => '');
if (!full.startsWith(DOCS + path.sep)) return reply.code(400).send({ error: 'invalid name' });
return reply.type('text/plain').send(await fs.readFile(full));`,
      'Django/DRF': `from django.utils._os import safe_join  # raises SuspiciousFileOperation outside the base

def read_doc(request):
    try:
        full = safe_join(settings.DOCS_DIR, request.query_params.get("name", ""))
    except Exception:
        return Response({"error": "invalid name"}, status=400)
    return FileResponse(open(full, "rb"))`,
      Flask: `from flask import send_from_directory

@app.get("/api/files")
def read_file():
    # send_from_directory uses safe_join and answers 404 outside DOCS_DIR
    return send_from_directory(app.config["DOCS_DIR"], request.args.get("name", ""))`,
      Spring: `Path base = Paths.get("docs").toRealPath();
Path file = base.resolve(name).normalize();
if (!file.startsWith(base) || name.contains("..")) throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
return new FileSystemResource(file);`,
      'Go net/http': `// os.Root (Go 1.24) refuses paths that escape the directory, symlinks included
root, _ := os.OpenRoot("docs")
f, err := root.Open(r.URL.Query().Get("name"))
if err != nil {
    http.Error(w, "not found", http.StatusNotFound)
    return
}
defer f.Close()
io.Copy(w, f)`,
    },
    references: [
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://owasp.org/www-community/attacks/Path_Traversal',
      'https://cwe.mitre.org/data/definitions/22.html',
    ],
  },
  run: (ctx: CheckContext) => probeInputs(ctx, looksLikeFile, probeInput),
};
