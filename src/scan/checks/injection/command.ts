/**
 * injection.command — OS command injection. Each payload appends a shell command that prints a
 * computed marker (`echo herd$((347*129))x` prints `herd44763x`, a text the request does not
 * contain, so an API that merely echoes its input cannot match); separators cover unquoted,
 * double-quoted and single-quoted contexts. When nothing is printed, a `sleep` that covers the same
 * contexts must delay the answer twice, with a fast baseline in between.
 */
import { randomInt } from 'node:crypto';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import type { InjectionPoint } from './inputs.js';
import { confirmDelay, describeInput, isSecretInput, probeInputs, shown, type Baseline, type Prober } from './probe.js';

const SLEEP_S = 3;

interface Marker {
  readonly command: string;
  readonly expected: string;
}

function marker(): Marker {
  const a = randomInt(101, 999);
  const b = randomInt(101, 999);
  return { command: `echo herd$((${a}*${b}))x`, expected: `herd${a * b}x` };
}

/** Payload builders: the value, a way out of its context, the command. */
const SEPARATORS: readonly ((v: string, cmd: string) => string)[] = [
  (v, c) => `${v};${c}`,
  (v, c) => `${v}|${c}`,
  (v, c) => `${v}&&${c}`,
  (v, c) => `${v}$(${c})`,
  (v, c) => `${v}\`${c}\``,
  (v, c) => `${v}\n${c}`,
  (v, c) => `${v}';${c};'`,
  (v, c) => `${v}&${c}&`,
];

/** Runs in unquoted, double-quoted (via $()) and single-quoted contexts alike. */
const SLEEPS: readonly ((v: string) => string)[] = [(v) => `${v}$(sleep ${SLEEP_S})';sleep ${SLEEP_S};'`, (v) => `${v};sleep ${SLEEP_S};`];

async function outputBased(point: InjectionPoint, prober: Prober, base: Baseline): Promise<{ detail: string; evidence: Exchange[] } | null> {
  for (const build of SEPARATORS) {
    if (!prober.canSend(2)) return null;
    const m = marker();
    const payload = build(point.value, m.command);
    const first = await prober.send(point.set(payload));
    if (first.response === null || !first.response.body.includes(m.expected)) continue;
    if (base.exchanges.some((e) => e.response?.body.includes(m.expected) === true)) continue;
    // Again with other numbers: the output must follow the computation.
    const m2 = marker();
    const second = await prober.send(point.set(build(point.value, m2.command)));
    if (second.response === null || !second.response.body.includes(m2.expected)) continue;
    return {
      detail: `The value ${shown(payload)} in the ${describeInput(point)} made the answer contain ${m.expected}, the output of the shell arithmetic in the payload (and again with other numbers): the value runs in a shell.`,
      evidence: [base.exchanges[0], first, second],
    };
  }
  return null;
}

async function timeBased(point: InjectionPoint, prober: Prober, base: Baseline): Promise<{ detail: string; evidence: Exchange[] } | null> {
  for (const build of SLEEPS) {
    const payload = build(point.value);
    const confirmed = await confirmDelay(prober, point.set(payload), point.baseline, base.timesMs, SLEEP_S * 1000);
    if (confirmed === null) continue;
    const [first, , second] = confirmed;
    const ms = (e: Exchange): string => (e.response === null ? 'no answer before the timeout' : `${Math.round(e.response.timeMs)} ms`);
    return {
      detail: `The value ${shown(payload)} in the ${describeInput(point)} delayed the answer by about ${SLEEP_S} s twice (${ms(first)}, ${ms(second)}; baseline ${Math.round(Math.max(...base.timesMs))} ms): the value runs in a shell.`,
      evidence: [base.exchanges[0], ...confirmed],
    };
  }
  return null;
}

export const commandInjection: Check = {
  id: 'injection.command',
  title: 'OS command injection',
  severity: 'critical',
  cwe: 'CWE-78',
  owasp: 'API8:2023',
  appliesTo: 'any',
  description:
    'An input of the API becomes part of a command line that a shell runs, so shell syntax in the value (;, |, &&, $(…), backticks, a newline) starts other commands on the server with the API process\'s rights (OWASP Top 10 2021 A03:2021 Injection). It is a full compromise of the host: files, secrets and the internal network are within reach. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Do not start a shell with request data. Prefer a library call over an external program; when a program is needed, run it directly with an argument array (execFile/spawn without shell, subprocess.run with a list, ProcessBuilder, exec.Command), put "--" before user arguments, and validate the value against a strict allowlist (an IP address, a host name pattern) before use.',
    snippets: {
      Express: `import { execFile } from 'node:child_process';
import { isIP } from 'node:net';

app.get('/api/tools/ping', (req, res) => {
  const host = String(req.query.host ?? '');
  if (!isIP(host) && !/^[a-z0-9.-]{1,253}$/i.test(host)) return res.status(400).json({ error: 'invalid host' });
  // No shell: the host is one argument, never parsed as shell syntax.
  execFile('ping', ['-c', '1', '--', host], { timeout: 5000 }, (err, stdout) => res.json({ ok: !err, stdout }));
});`,
      Fastify: `import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
const run = promisify(execFile);

app.get('/api/tools/ping', {
  schema: { querystring: { type: 'object', required: ['host'], properties: { host: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,253}$' } } } },
}, async (req) => (await run('ping', ['-c', '1', '--', req.query.host], { timeout: 5000 })).stdout);`,
      'Django/DRF': `import ipaddress, subprocess

def ping(request):
    host = request.query_params.get("host", "")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return Response({"error": "invalid host"}, status=400)
    out = subprocess.run(["ping", "-c", "1", "--", host], capture_output=True, text=True, timeout=5)  # no shell=True
    return Response({"stdout": out.stdout})`,
      Flask: `import ipaddress, subprocess

@app.get("/api/tools/ping")
def ping():
    host = request.args.get("host", "")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        abort(400)
    out = subprocess.run(["ping", "-c", "1", "--", host], capture_output=True, text=True, timeout=5)
    return {"stdout": out.stdout}`,
      Spring: `// ProcessBuilder with separate arguments: no shell involved
if (!InetAddressValidator.getInstance().isValid(host)) throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
Process p = new ProcessBuilder("ping", "-c", "1", "--", host).redirectErrorStream(true).start();`,
      'Go net/http': `host := r.URL.Query().Get("host")
if net.ParseIP(host) == nil {
    http.Error(w, "invalid host", http.StatusBadRequest)
    return
}
ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
defer cancel()
out, err := exec.CommandContext(ctx, "ping", "-c", "1", "--", host).Output() // no sh -c`,
    },
    references: [
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/78.html',
    ],
  },
  run: (ctx: CheckContext) =>
    probeInputs(ctx, (p) => !isSecretInput(p), async (point, prober, base) => (await outputBased(point, prober, base)) ?? (await timeBased(point, prober, base))),
};
