import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournaldSource } from './journald-source.js';
import { Consumer, range, seqs, waitFor } from './test-kit.js';

const run = promisify(execFile);
const REMOTE = '/usr/lib/systemd/systemd-journal-remote';
const haveJournal = existsSync(REMOTE) && existsSync('/usr/bin/journalctl');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herd-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let mono = 1;
/** Appends records to a real journal file: journald's export format, written by systemd-journal-remote. */
async function appendRecords(journal: string, records: Array<{ unit: string; ident: string; pid?: number; message: string | Buffer; usec: number }>): Promise<void> {
  const parts: Buffer[] = [];
  for (const r of records) {
    let text = `__REALTIME_TIMESTAMP=${r.usec}\n__MONOTONIC_TIMESTAMP=${mono++}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web1\n`;
    text += `SYSLOG_IDENTIFIER=${r.ident}\n_SYSTEMD_UNIT=${r.unit}\n${r.pid !== undefined ? `_PID=${r.pid}\n` : ''}`;
    parts.push(Buffer.from(text));
    if (typeof r.message === 'string') {
      parts.push(Buffer.from(`MESSAGE=${r.message}\n`));
    } else {
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(r.message.length));
      parts.push(Buffer.from('MESSAGE\n'), size, r.message, Buffer.from('\n'));
    }
    parts.push(Buffer.from('\n'));
  }
  const exportFile = join(dir, `batch-${mono}.export`);
  await writeFile(exportFile, Buffer.concat(parts));
  await run(REMOTE, ['-o', journal, exportFile]);
}

const BASE = 1700000000000000; // 2023-11-14T22:13:20Z, in µs
function sshRecords(from: number, to: number) {
  return range(from, to).map((i) => ({ unit: 'ssh.service', ident: 'sshd', pid: 100 + i, message: `Failed password for root from 10.0.0.${i % 250} port 22 ssh2 seq=${i}`, usec: BASE + i * 1_000_000 }));
}

describe.skipIf(!haveJournal)('JournaldSource with a real journalctl', () => {
  it('follows a journal file: filters apply, records become syslog lines with resumable cursors', async () => {
    const journal = join(dir, 'follow.journal');
    await appendRecords(journal, [...sshRecords(0, 3), { unit: 'cron.service', ident: 'CRON', message: 'noise seq=999', usec: BASE }]);
    const src = createJournaldSource({
      filters: ['_SYSTEMD_UNIT=ssh.service'],
      labels: { type: 'syslog' },
      extraArgs: [`--file=${journal}`],
      since: '2000-01-01',
      utc: true,
    });
    const c = new Consumer(src);
    try {
      await waitFor('existing records', () => c.lines.length === 3);
      expect(c.lines[0]).toMatchObject({
        raw: 'Nov 14 22:13:20 web1 sshd[100]: Failed password for root from 10.0.0.0 port 22 ssh2 seq=0',
        src: 'journalctl',
        module: 'journalctl',
        labels: { type: 'syslog' },
      });
      expect(c.lines[0].cursor).toMatchObject({ key: 'journalctl:_SYSTEMD_UNIT=ssh.service', fileId: '', offset: 0 });
      expect(c.lines[0].cursor?.token).toMatch(/^s=[0-9a-f]+;i=/);
      await appendRecords(journal, [...sshRecords(3, 6), { unit: 'ssh.service', ident: 'sshd', pid: 1, message: Buffer.from([0x62, 0xff, 0x20, 0x73, 0x65, 0x71, 0x3d, 0x36]), usec: BASE + 6_000_000 }]);
      await waitFor('appended records', () => c.lines.length === 7);
      expect(seqs(c.lines)).toEqual(range(0, 7));
      expect(c.lines[6].raw).toBe('Nov 14 22:13:26 web1 sshd[1]: b\uFFFD seq=6');
      expect(src.metrics).toMatchObject({ linesRead: 7, linesInvalidUtf8: 1, readErrors: 0, processStarts: 1 });
    } finally {
      await c.stop();
    }
  });

  it('resumes after the saved cursor: records written while stopped are read once', async () => {
    const journal = join(dir, 'resume.journal');
    await appendRecords(journal, sshRecords(0, 5));
    const opts = { filters: ['_SYSTEMD_UNIT=ssh.service'], labels: { type: 'syslog' }, extraArgs: [`--file=${journal}`], utc: true };
    const first = new Consumer(createJournaldSource({ ...opts, since: '2000-01-01' }), { crashAfterLines: 5 });
    await waitFor('first records', () => first.lines.length === 5);
    await first.stop();
    await appendRecords(journal, sshRecords(5, 9));
    const second = new Consumer(createJournaldSource({ ...opts, cursor: first.cursors.get('journalctl:_SYSTEMD_UNIT=ssh.service') }));
    try {
      await waitFor('records after the cursor', () => second.lines.length === 4);
      expect([...seqs(first.lines), ...seqs(second.lines)]).toEqual(range(0, 9));
    } finally {
      await second.stop();
    }
  });

  it('starts with new records only when there is no cursor and no since', async () => {
    const journal = join(dir, 'new-only.journal');
    await appendRecords(journal, sshRecords(0, 3));
    const src = createJournaldSource({ filters: [], labels: { type: 'syslog' }, extraArgs: [`--file=${journal}`], utc: true });
    expect(src.args()).toContain('--lines=0');
    const c = new Consumer(src);
    try {
      // The first record written after start-up is the first line: nothing older comes before it.
      await waitFor('a record written after start', async () => {
        if (c.lines.length > 0) return true;
        await appendRecords(journal, sshRecords(100, 101));
        return false;
      });
      expect(seqs(c.lines).every((s) => s === 100)).toBe(true);
    } finally {
      await c.stop();
    }
  });

  it('drops a cursor journalctl cannot seek to, and follows new records instead', async () => {
    const journal = join(dir, 'bad-cursor.journal');
    await appendRecords(journal, sshRecords(0, 2));
    const src = createJournaldSource({
      filters: [],
      labels: { type: 'syslog' },
      extraArgs: [`--file=${journal}`],
      cursor: { key: 'journalctl:', fileId: '', offset: 0, fingerprint: '', token: 'not-a-cursor' },
      backoff: { initialMs: 10 },
    });
    const c = new Consumer(src);
    try {
      await waitFor('restarted without the cursor', () => src.metrics.processStarts >= 2);
      expect(src.args()).toContain('--lines=0');
      expect(src.metrics.readErrors).toBeGreaterThanOrEqual(1);
    } finally {
      await c.stop();
    }
  });
});

describe('JournaldSource failures', () => {
  it('counts and retries with backoff when journalctl cannot be started, and stops cleanly', async () => {
    const src = createJournaldSource({ filters: [], labels: { type: 'syslog' }, command: join(dir, 'no-such-journalctl'), backoff: { initialMs: 5, maxMs: 20 } });
    const c = new Consumer(src);
    await waitFor('several attempts', () => src.metrics.processStarts >= 3);
    await c.stop();
    expect(c.error).toBeNull();
    expect(src.metrics.readErrors).toBeGreaterThanOrEqual(2);
  });

  it('restarts journalctl when it exits, resuming after the last record it gave', async () => {
    // A stand-in that prints one record and exits: the source must restart it with --after-cursor.
    const script = join(dir, 'fake-journalctl.sh');
    await writeFile(
      script,
      `#!/bin/sh\nfor a in "$@"; do case "$a" in --after-cursor=*) echo '{"__CURSOR":"c2","__REALTIME_TIMESTAMP":"${BASE}","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"x","MESSAGE":"seq=2"}'; exec sleep 60;; esac; done\n` +
        `echo '{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"${BASE}","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"x","MESSAGE":"seq=1"}'\necho 'not json'\nexit 3\n`,
      { mode: 0o755 },
    );
    const src = createJournaldSource({ filters: ['_SYSTEMD_UNIT=a.service'], labels: { type: 'syslog' }, command: script, backoff: { initialMs: 5 }, utc: true });
    const c = new Consumer(src);
    try {
      await waitFor('both records', () => c.lines.length === 2);
      expect(c.raws()).toEqual(['Nov 14 22:13:20 h x: seq=1', 'Nov 14 22:13:20 h x: seq=2']);
      expect(src.args()).toContain('--after-cursor=c2');
      expect(src.metrics).toMatchObject({ processStarts: 2, readErrors: 1, recordsMalformed: 1 });
    } finally {
      await c.stop();
    }
  });
});
