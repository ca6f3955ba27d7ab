import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { createSyslogSource, type SyslogSourceOptions } from './syslog-source.js';
import { Consumer, waitFor } from './test-kit.js';

function start(options: Partial<SyslogSourceOptions>) {
  const src = createSyslogSource({ host: '127.0.0.1', port: 0, labels: { type: 'syslog' }, utc: true, clock: new ManualClock(Date.UTC(2024, 0, 2, 3, 4, 5)), ...options });
  return { src, c: new Consumer(src) };
}

async function sendUdp(port: number, messages: Array<string | Buffer>): Promise<void> {
  const sock = createSocket('udp4');
  try {
    for (const m of messages) await new Promise<void>((resolve, reject) => sock.send(m, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  } finally {
    sock.close();
  }
}

function tcpClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const M3164 = '<38>Jan  2 03:04:05 web1 sshd[77]: Failed password for root from 192.0.2.7 port 4242 ssh2';
const M5424 = '<165>1 2024-01-02T03:04:05.678Z web2 nginx 12 - [meta seq="1"] GET /admin 403';

describe('SyslogSource over UDP', () => {
  it('turns RFC 3164 and RFC 5424 datagrams into classic syslog lines from the peer', async () => {
    const { src, c } = start({ protocol: 'udp' });
    try {
      const { port } = await src.address();
      await sendUdp(port, [M3164, M5424 + '\n', 'garbage without priority']);
      await waitFor('three lines', () => c.lines.length === 3);
      expect(c.raws()).toEqual([
        'Jan  2 03:04:05 web1 sshd[77]: Failed password for root from 192.0.2.7 port 4242 ssh2',
        '2024-01-02T03:04:05.678Z web2 nginx[12]: GET /admin 403',
        'garbage without priority',
      ]);
      expect(c.lines[0]).toMatchObject({ module: 'syslog', labels: { type: 'syslog' }, readAt: Date.UTC(2024, 0, 2, 3, 4, 5) });
      expect(c.lines[0].src).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(c.lines[0].cursor).toBeUndefined();
      expect(src.metrics).toMatchObject({ linesRead: 3, messagesMalformed: 1, readErrors: 0 });
    } finally {
      await c.stop();
    }
  });

  it('cuts a datagram longer than the limit and counts it', async () => {
    const { src, c } = start({ protocol: 'udp', maxMessageBytes: 64 });
    try {
      const { port } = await src.address();
      await sendUdp(port, [`<13>Jan  2 03:04:05 h app: ${'x'.repeat(200)}`]);
      await waitFor('line', () => c.lines.length === 1);
      expect(Buffer.byteLength(c.lines[0].raw)).toBe(64 - 4);
      expect(src.metrics.linesTruncated).toBe(1);
    } finally {
      await c.stop();
    }
  });

  it('drops and counts datagrams when the consumer is too far behind', async () => {
    const src = createSyslogSource({ host: '127.0.0.1', port: 0, labels: { type: 'syslog' }, maxQueuedLines: 5 });
    const controller = new AbortController();
    const it = src.lines(controller.signal)[Symbol.asyncIterator]();
    const first = it.next();
    const { port } = await src.address();
    await sendUdp(port, Array.from({ length: 20 }, (_, i) => `<13>Jan  2 03:04:05 h a: n=${i}`));
    await waitFor('drops counted', () => src.metrics.messagesDropped + src.metrics.linesRead === 20);
    const got = await first;
    controller.abort();
    await it.return?.(undefined);
    // The first batch was handed over, then at most 5 more waited: the rest was dropped.
    expect(got.value?.length ?? 0).toBeLessThanOrEqual(5);
    expect(src.metrics.linesRead).toBeLessThanOrEqual((got.value?.length ?? 0) + 5);
    expect(src.metrics.messagesDropped).toBeGreaterThanOrEqual(10);
  });
});

describe('SyslogSource over TCP', () => {
  it('reads newline-framed and octet-counted messages on one connection', async () => {
    const { src, c } = start({ protocol: 'tcp' });
    try {
      const { port } = await src.address();
      const s = await tcpClient(port);
      const b5424 = Buffer.from(M5424);
      s.write(`${M3164}\n`);
      s.write(`${b5424.length} `);
      s.write(b5424.subarray(0, 10));
      s.write(Buffer.concat([b5424.subarray(10), Buffer.from(`${M3164}\r\n<13>Jan  2 03:04:05 h a: no newline at close`)]));
      s.end();
      await waitFor('four lines', () => c.lines.length === 4);
      expect(c.raws()).toEqual([
        'Jan  2 03:04:05 web1 sshd[77]: Failed password for root from 192.0.2.7 port 4242 ssh2',
        '2024-01-02T03:04:05.678Z web2 nginx[12]: GET /admin 403',
        'Jan  2 03:04:05 web1 sshd[77]: Failed password for root from 192.0.2.7 port 4242 ssh2',
        'Jan  2 03:04:05 h a: no newline at close',
      ]);
    } finally {
      await c.stop();
    }
  });

  it('slows a fast TCP peer down instead of dropping its messages', async () => {
    const { src, c } = start({ protocol: 'tcp', maxQueuedLines: 5 });
    try {
      const { port } = await src.address();
      const s = await tcpClient(port);
      let wire = '';
      for (let i = 0; i < 3000; i++) wire += `<13>Jan  2 03:04:05 h a: n=${i}\n`;
      s.end(wire);
      await waitFor('every message', () => c.lines.length === 3000);
      expect(c.lines.map((l) => Number(l.raw.slice(l.raw.indexOf('n=') + 2)))).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      expect(src.metrics.messagesDropped).toBe(0);
    } finally {
      await c.stop();
    }
  });

  it('cuts an over-long message, counts it, and goes on with the next one', async () => {
    const { src, c } = start({ protocol: 'tcp', maxMessageBytes: 40 });
    try {
      const { port } = await src.address();
      const s = await tcpClient(port);
      s.end(`<13>Jan  2 03:04:05 h a: ${'é'.repeat(100)}\n<13>Jan  2 03:04:05 h a: next\n`);
      await waitFor('two lines', () => c.lines.length === 2);
      expect(c.raws()[0]).toMatch(/^Jan {2}2 03:04:05 h a: é+$/);
      expect(c.raws()[1]).toBe('Jan  2 03:04:05 h a: next');
      expect(src.metrics).toMatchObject({ linesTruncated: 1, linesInvalidUtf8: 0 });
    } finally {
      await c.stop();
    }
  });

  it('refuses connections beyond the limit and closes idle ones', async () => {
    const { src, c } = start({ protocol: 'tcp', maxConnections: 1, idleTimeoutMs: 100 });
    try {
      const { port } = await src.address();
      const first = await tcpClient(port);
      const firstClosed = new Promise<void>((resolve) => first.on('close', () => resolve()));
      first.write('<13>Jan  2 03:04:05 h a: hello\n');
      await waitFor('first line', () => c.lines.length === 1);
      const second = await tcpClient(port);
      const secondClosed = new Promise<void>((resolve) => second.on('close', () => resolve()));
      second.on('error', () => undefined);
      await secondClosed;
      await waitFor('rejection counted', () => src.metrics.connectionsRejected === 1);
      // The first connection says nothing more: the idle timeout closes it.
      await firstClosed;
    } finally {
      await c.stop();
    }
  });

  it('fails with HERD_ACQUIS_LISTEN naming the address when the port is taken', async () => {
    const { src, c } = start({ protocol: 'tcp' });
    try {
      const { port } = await src.address();
      const other = createSyslogSource({ host: '127.0.0.1', port, protocol: 'tcp', labels: { type: 'syslog' } });
      const it = other.lines(new AbortController().signal)[Symbol.asyncIterator]();
      await expect(it.next()).rejects.toMatchObject({ code: 'HERD_ACQUIS_LISTEN' });
    } finally {
      await c.stop();
    }
  });
});
