import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { HerdError, errorMessage, silentLogger, systemClock, type Clock, type Logger } from '../core/index.js';
import type { Line } from './line.js';
import { MAX_LINE_BYTES } from './line-splitter.js';
import { newCounters, type LineSource, type SourceMetrics } from './source.js';
import { TcpFramer, type FrameSink } from './syslog-framing.js';
import { cutMessage, dropPartialUtf8, toSyslogLine, trimTerminators } from './syslog-message.js';
import { Waker } from './wait.js';

export interface SyslogSourceOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on (0: any free port, see `address()`). Default 514. */
  port?: number;
  /** Default `udp`. */
  protocol?: 'udp' | 'tcp';
  labels: Record<string, string>;
  /** Longest message kept, in bytes; longer ones are cut and counted. Default 64 KiB. */
  maxMessageBytes?: number;
  /** TCP: connections beyond this are refused and counted. Default 100. */
  maxConnections?: number;
  /** TCP: a connection silent this long is closed. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Lines waiting for the consumer before UDP messages are dropped and TCP peers paused. Default 10 000. */
  maxQueuedLines?: number;
  /** Stamp messages without a timestamp in UTC rather than local time. */
  utc?: boolean;
  name?: string;
  clock?: Clock;
  logger?: Logger;
}

export interface ListenAddress {
  address: string;
  port: number;
}

const MAX_BATCH = 5000;

/**
 * A syslog server (UDP or TCP) whose messages become lines in the classic syslog form (module
 * `syslog`, `src` the peer `ip:port`). Malformed messages are passed through as text and counted;
 * over-long ones are cut and counted; nothing a peer sends can stop the source.
 */
export class SyslogSource implements LineSource {
  readonly name: string;
  readonly metrics: SourceMetrics & { messagesMalformed: number; messagesDropped: number; connectionsRejected: number };
  private readonly host: string;
  private readonly port: number;
  private readonly protocol: 'udp' | 'tcp';
  private readonly labels: Record<string, string>;
  private readonly maxBytes: number;
  private readonly maxConnections: number;
  private readonly idleMs: number;
  private readonly maxQueued: number;
  private readonly utc: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  private queue: Line[] = [];
  private readonly waker = new Waker();
  private readonly sockets = new Set<Socket>();
  private readonly paused = new Set<Socket>();
  private bound: ListenAddress | null = null;
  private readonly boundWaiters: Array<(a: ListenAddress) => void> = [];
  private started = false;

  constructor(options: SyslogSourceOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 514;
    this.protocol = options.protocol ?? 'udp';
    this.labels = options.labels;
    this.maxBytes = options.maxMessageBytes ?? MAX_LINE_BYTES;
    this.maxConnections = options.maxConnections ?? 100;
    this.idleMs = options.idleTimeoutMs ?? 300_000;
    this.maxQueued = options.maxQueuedLines ?? 10_000;
    this.utc = options.utc ?? false;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger();
    this.name = options.name ?? `syslog:${this.protocol}://${this.host}:${this.port}`;
    this.metrics = { ...newCounters(), messagesMalformed: 0, messagesDropped: 0, connectionsRejected: 0 };
  }

  /** Where the server listens, once it does (useful with port 0). */
  address(): Promise<ListenAddress> {
    if (this.bound !== null) return Promise.resolve(this.bound);
    return new Promise((resolve) => this.boundWaiters.push(resolve));
  }

  lines(signal: AbortSignal): AsyncIterable<Line[]> {
    if (this.started) throw new HerdError('HERD_ACQUIS_STATE', `source ${this.name} is already running; create one source per run`);
    this.started = true;
    return this.run(signal);
  }

  private async *run(signal: AbortSignal): AsyncGenerator<Line[]> {
    const close = this.protocol === 'udp' ? await this.listenUdp() : await this.listenTcp();
    try {
      while (!signal.aborted) {
        if (this.queue.length === 0) {
          await this.waker.wait(1000, signal);
          continue;
        }
        let batch: Line[];
        if (this.queue.length <= MAX_BATCH) {
          batch = this.queue;
          this.queue = [];
        } else {
          batch = this.queue.splice(0, MAX_BATCH);
        }
        if (this.paused.size > 0 && this.queue.length < this.maxQueued / 2) {
          for (const s of this.paused) s.resume();
          this.paused.clear();
        }
        yield batch;
      }
    } finally {
      await close();
    }
  }

  private listening(a: ListenAddress): void {
    this.bound = a;
    for (const w of this.boundWaiters.splice(0)) w(a);
  }

  private bindError(err: unknown): HerdError {
    return new HerdError(
      'HERD_ACQUIS_LISTEN',
      `syslog source cannot listen on ${this.protocol} ${this.host}:${this.port}: ${errorMessage(err)}; choose a free port (listen_port) or an address of this host (listen_addr)`,
      { cause: err },
    );
  }

  private async listenUdp(): Promise<() => Promise<void>> {
    const sock: UdpSocket = createSocket({ type: isIPv6(this.host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (err) => reject(this.bindError(err)));
      sock.bind(this.port, this.host, () => resolve());
    });
    sock.on('error', (err) => {
      this.metrics.readErrors++;
      this.log.warn({ source: this.name, err: errorMessage(err) }, 'syslog socket error');
    });
    sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onUdp(msg, rinfo));
    const a = sock.address();
    this.listening({ address: a.address, port: a.port });
    return () => new Promise<void>((resolve) => sock.close(() => resolve()));
  }

  private onUdp(msg: Buffer, rinfo: RemoteInfo): void {
    this.metrics.bytesRead += msg.length;
    if (this.queue.length >= this.maxQueued) {
      this.metrics.messagesDropped++;
      return;
    }
    this.accept(msg, false, rinfo.address, `${rinfo.address}:${rinfo.port}`);
  }

  private async listenTcp(): Promise<() => Promise<void>> {
    const server: Server = createServer((sock) => this.onConnection(sock));
    server.maxConnections = this.maxConnections;
    server.on('drop', () => {
      this.metrics.connectionsRejected++;
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(this.bindError(err)));
      server.listen(this.port, this.host, () => resolve());
    });
    server.on('error', (err) => {
      this.metrics.readErrors++;
      this.log.warn({ source: this.name, err: errorMessage(err) }, 'syslog server error');
    });
    const a = server.address();
    if (a !== null && typeof a === 'object') this.listening({ address: a.address, port: a.port });
    return async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
    };
  }

  private onConnection(sock: Socket): void {
    const ip = sock.remoteAddress ?? 'unknown';
    const src = `${ip}:${sock.remotePort ?? 0}`;
    this.sockets.add(sock);
    // One sink and framer per connection, made once, not per message.
    const sink: FrameSink = { message: (bytes, truncated) => this.accept(bytes, truncated, ip, src) };
    const framer = new TcpFramer(this.maxBytes, sink);
    sock.setTimeout(this.idleMs);
    sock.on('timeout', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      this.metrics.bytesRead += chunk.length;
      framer.push(chunk);
      if (this.queue.length >= this.maxQueued && !this.paused.has(sock)) {
        sock.pause();
        this.paused.add(sock);
      }
    });
    sock.on('end', () => framer.end());
    sock.on('error', () => {
      this.metrics.readErrors++;
    });
    sock.on('close', () => {
      this.sockets.delete(sock);
      this.paused.delete(sock);
    });
  }

  /** One message in: cut, decoded, rewritten, counted, queued. */
  private accept(raw: Buffer, framedTruncated: boolean, ip: string, src: string): void {
    let bytes = trimTerminators(raw);
    let truncated = framedTruncated;
    if (truncated) bytes = dropPartialUtf8(bytes);
    else {
      const cut = cutMessage(bytes, this.maxBytes);
      bytes = cut.bytes;
      truncated = cut.truncated;
    }
    if (bytes.length === 0) return;
    const now = this.clock.now();
    const line = toSyslogLine(bytes, ip, now, this.utc);
    if (truncated) this.metrics.linesTruncated++;
    if (line.invalidUtf8) this.metrics.linesInvalidUtf8++;
    if (line.malformed) this.metrics.messagesMalformed++;
    this.metrics.linesRead++;
    this.queue.push({ raw: line.raw, src, module: 'syslog', labels: this.labels, readAt: now });
    this.waker.wake();
  }
}

export function createSyslogSource(options: SyslogSourceOptions): SyslogSource {
  return new SyslogSource(options);
}
