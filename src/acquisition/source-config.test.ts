import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FileSource } from './file-source.js';
import { JournaldSource } from './journald-source.js';
import { SyslogSource } from './syslog-source.js';
import { createSource, parseAcquisition, parseDuration } from './source-config.js';
import { Consumer, waitFor } from './test-kit.js';
import { herdErrorOf } from '../../test/support/herd-error.js';

describe('parseAcquisition', () => {
  it("reads CrowdSec's acquis.yaml entries for file, journalctl and syslog", () => {
    const docs = `
filenames:
  - /var/log/nginx/*.log
labels:
  type: nginx
---
source: journalctl
journalctl_filter:
  - _SYSTEMD_UNIT=ssh.service
labels:
  type: syslog
---
source: syslog
listen_addr: 127.0.0.1
listen_port: 4242
labels:
  type: syslog
`.split('---').map((d) => parse(d) as Record<string, unknown>);
    expect(parseAcquisition({ source: 'file', ...docs[0] })).toMatchObject({ source: 'file', filenames: ['/var/log/nginx/*.log'], labels: { type: 'nginx' } });
    expect(parseAcquisition(docs[1])).toMatchObject({ source: 'journalctl', journalctl_filter: ['_SYSTEMD_UNIT=ssh.service'] });
    expect(parseAcquisition(docs[2])).toMatchObject({ source: 'syslog', listen_port: 4242 });
  });

  it('names an unknown key and lists the valid ones', () => {
    const e = herdErrorOf(() => parseAcquisition({ source: 'file', filname: '/x.log', filenames: ['/x.log'], labels: { type: 'x' } }, 'acquis.yaml:3'));
    expect(e.code).toBe('HERD_ACQUIS_CONFIG');
    expect(e.message).toMatch(/^acquis\.yaml:3: file source: unknown key 'filname' \(a file source accepts source, filenames, filename,/);
  });

  it('names the key with a wrong value', () => {
    expect(herdErrorOf(() => parseAcquisition({ source: 'syslog', listen_port: 'abc', labels: { type: 'syslog' } })).message).toMatch(/key 'listen_port'/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'syslog', protocol: 'sctp', labels: { type: 'syslog' } })).message).toMatch(/key 'protocol'/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'file', filenames: ['/a'], poll_interval: 'soon', labels: { type: 'x' } })).message).toMatch(/key 'poll_interval': 'soon' is not a duration/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'journalctl', labels: { type: 'syslog' } })).message).toMatch(/key 'journalctl_filter'/);
  });

  it('requires a type label, filenames, absolute paths, and a known source', () => {
    expect(herdErrorOf(() => parseAcquisition({ source: 'file', filenames: ['/a'], labels: {} })).message).toMatch(/key 'labels': needs a 'type' label/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'file', labels: { type: 'x' } })).message).toMatch(/key 'filenames': needs filenames/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'file', filenames: ['logs/*.log'], labels: { type: 'x' } })).message).toMatch(/key 'filenames': .*not an absolute path/);
    expect(herdErrorOf(() => parseAcquisition({ source: 'kafka', labels: { type: 'x' } })).message).toMatch(/key 'source' 'kafka' is not supported/);
    expect(herdErrorOf(() => parseAcquisition({ labels: { type: 'x' } })).message).toMatch(/key 'source' is missing/);
    expect(herdErrorOf(() => parseAcquisition('file')).code).toBe('HERD_ACQUIS_CONFIG');
  });

  it('reads Go-style durations', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('5')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
});

describe('createSource', () => {
  it('builds the source an entry describes, handing each its own cursors', () => {
    const journal = createSource(
      { source: 'journalctl', journalctl_filter: ['_SYSTEMD_UNIT=ssh.service'], labels: { type: 'syslog' } },
      { cursors: [{ key: 'journalctl:_SYSTEMD_UNIT=ssh.service', fileId: '', offset: 0, fingerprint: '', token: 's=1' }] },
    );
    expect(journal).toBeInstanceOf(JournaldSource);
    expect((journal as JournaldSource).args()).toContain('--after-cursor=s=1');
    expect(createSource({ source: 'syslog', listen_port: 0, labels: { type: 'syslog' } })).toBeInstanceOf(SyslogSource);
    expect(createSource({ source: 'file', filename: '/var/log/x.log', labels: { type: 'x' } })).toBeInstanceOf(FileSource);
  });

  it('gives a working file source with labels from the entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herd-acq-'));
    try {
      const path = join(dir, 'a.log');
      await writeFile(path, 'old\n');
      const src = createSource({ source: 'file', filenames: [join(dir, '*.log')], poll_interval: '20ms', labels: { type: 'nginx', env: 'prod' } });
      const c = new Consumer(src);
      try {
        await waitFor('file opened', () => (src as FileSource).openFiles().length === 1);
        await appendFile(path, 'new\n');
        await waitFor('line', () => c.lines.length === 1);
        expect(c.lines[0]).toMatchObject({ raw: 'new', labels: { type: 'nginx', env: 'prod' }, module: 'file' });
      } finally {
        await c.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
