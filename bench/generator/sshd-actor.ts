/**
 * auth.log lines (rsyslog traditional format) as OpenSSH 9, Linux-PAM, sudo, su, cron and
 * systemd-logind write them on a Debian/Ubuntu host. One sshd pid per connection: a connection's
 * first line (code | NEW) takes a fresh pid and source port; its arg then picks the user.
 */
import { Actor, type RenderContext, type Role } from './actor.js';

/** Set on the first line of a connection or process. */
export const NEW = 0x80;

export const Msg = {
  INVALID_USER: 1,
  CHECK_PASS: 2,
  PAM_FAIL_UNKNOWN: 3,
  PAM_FAIL_USER: 4,
  FAILED_INVALID: 5,
  FAILED: 6,
  MAX_EXCEEDED: 7,
  TOO_MANY: 8,
  PAM_MORE: 9,
  PAM_IGNORING: 10,
  RECV_BYE: 11,
  DISCONNECTED_AUTH: 12,
  DISCONNECTED_INVALID: 13,
  CLOSED_AUTH: 14,
  CLOSED_INVALID: 15,
  RESET_AUTH: 16,
  CLOSED_PREAUTH: 17,
  RESET_PREAUTH: 18,
  NEGOTIATE_KEX: 19,
  NEGOTIATE_HOSTKEY: 20,
  KEX_CLOSED: 21,
  CLOSED_PLAIN: 22,
  KEX_BANNER: 23,
  BANNER_INVALID: 24,
  DISCONNECTED_PREAUTH: 25,
  KEX_RESET: 26,
  ACCEPTED_KEY: 30,
  ACCEPTED_PW: 31,
  SESSION_OPENED: 32,
  LOGIND_NEW: 33,
  RECV_DISC_USER: 34,
  DISCONNECTED_USER: 35,
  SESSION_CLOSED: 36,
  LOGIND_LOGGED_OUT: 37,
  LOGIND_REMOVED: 38,
  SUDO_CMD: 39,
  SUDO_OPENED: 40,
  SUDO_CLOSED: 41,
  SUDO_AUTH_FAIL: 42,
  SUDO_INCORRECT: 43,
  SU_TO: 44,
  SU_OPENED: 45,
  SU_CLOSED: 46,
  CRON_OPENED: 47,
  CRON_CLOSED: 48,
  SSHD_SIGHUP: 49,
  LISTEN_V4: 50,
  LISTEN_V6: 51,
  SUDO_CMD_NOTTY: 52,
} as const;

const KEX_OFFERS = [
  'diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1',
  'diffie-hellman-group1-sha1,diffie-hellman-group14-sha1',
  'diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,ext-info-c',
] as const;
const HOSTKEY_OFFERS = ['ssh-rsa,ssh-dss', 'ssh-rsa', 'ssh-dss'] as const;
const SUDO_COMMANDS = [
  '/usr/bin/systemctl restart nginx', '/usr/bin/systemctl status app', '/usr/bin/apt update', '/usr/bin/apt upgrade -y',
  '/usr/bin/journalctl -u app -n 200', '/usr/bin/tail -f /var/log/nginx/error.log', '/usr/bin/docker ps', '/usr/sbin/nginx -t',
  '/usr/bin/vim /etc/nginx/sites-available/default', '/usr/bin/systemctl reload nginx', '/bin/bash', '/usr/bin/du -sh /var/log',
  '/usr/bin/certbot renew --dry-run', '/usr/sbin/ufw status',
] as const;
const DEPLOY_COMMANDS = ['/usr/bin/systemctl restart app', '/usr/bin/systemctl reload nginx', '/usr/bin/docker compose up -d', '/usr/bin/systemctl restart app-worker'] as const;
export const BYE_REASONS = ['Bye Bye', 'Bye Bye', 'Bye Bye', '', 'Normal Shutdown, Thank you for playing', 'Client disconnecting normally'] as const;

export interface HostInfo {
  host: string;
  /** pid of systemd-logind and of the sshd listener (stable for the host). */
  logindPid: number;
  sshdPid: number;
}

export abstract class SshActor extends Actor {
  protected pid = 0;
  protected port = 0;
  protected user = '';
  protected uid = 0;
  protected session = 0;
  protected tty = 0;
  protected failures = 0;
  protected bye = 'Bye Bye';
  /** pid of a helper process (su) started inside a session. */
  protected auxPid = 0;

  constructor(
    ip: string,
    role: Role,
    behaviours: readonly string[],
    seed: number,
    protected readonly hostInfo: HostInfo,
  ) {
    super(ip, role, behaviours, seed);
  }

  /** Sets `user` (and `uid`) for a new connection from the plan's arg. */
  protected abstract pickUser(code: number, arg: number): void;

  /** Source port of a new connection. */
  protected newPort(): number {
    return this.rng.range(1024, 65535);
  }

  protected reset(): void {
    this.pid = 0;
    this.port = 0;
    this.user = '';
    this.session = 0;
    this.tty = 0;
  }

  render(code: number, arg: number, ctx: RenderContext): string {
    const msgCode = code & 0x7f;
    if (code & NEW) {
      this.pid = ctx.nextPid();
      this.port = this.newPort();
      this.failures = 0;
      this.pickUser(msgCode, arg);
    }
    const ip = this.ip;
    const u = this.user;
    const p = this.port;
    const head = `${ctx.time} ${this.hostInfo.host} `;
    const sshd = `${head}sshd[${this.pid}]: `;
    switch (msgCode) {
      case Msg.INVALID_USER:
        return `${sshd}Invalid user ${u} from ${ip} port ${p}`;
      case Msg.CHECK_PASS:
        return `${sshd}pam_unix(sshd:auth): check pass; user unknown`;
      case Msg.PAM_FAIL_UNKNOWN:
        return `${sshd}pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip} `;
      case Msg.PAM_FAIL_USER:
        return `${sshd}pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${u}`;
      case Msg.FAILED_INVALID:
        this.failures++;
        return `${sshd}Failed password for invalid user ${u} from ${ip} port ${p} ssh2`;
      case Msg.FAILED:
        this.failures++;
        return `${sshd}Failed password for ${u} from ${ip} port ${p} ssh2`;
      case Msg.MAX_EXCEEDED:
        return `${sshd}error: maximum authentication attempts exceeded for ${arg ? 'invalid user ' : ''}${u} from ${ip} port ${p} ssh2 [preauth]`;
      case Msg.TOO_MANY:
        return `${sshd}Disconnecting ${arg ? 'invalid' : 'authenticating'} user ${u} ${ip} port ${p}: Too many authentication failures [preauth]`;
      case Msg.PAM_MORE: {
        const n = Math.max(1, this.failures - 1);
        const tail = arg ? '' : ` user=${u}`;
        return `${sshd}PAM ${n} more authentication failure${n === 1 ? '' : 's'}; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip} ${tail}`;
      }
      case Msg.PAM_IGNORING:
        return `${sshd}PAM service(sshd) ignoring max retries; ${this.failures} > 3`;
      case Msg.RECV_BYE:
        return `${sshd}Received disconnect from ${ip} port ${p}:11: ${this.bye} [preauth]`;
      case Msg.DISCONNECTED_AUTH:
        return `${sshd}Disconnected from authenticating user ${u} ${ip} port ${p} [preauth]`;
      case Msg.DISCONNECTED_INVALID:
        return `${sshd}Disconnected from invalid user ${u} ${ip} port ${p} [preauth]`;
      case Msg.CLOSED_AUTH:
        return `${sshd}Connection closed by authenticating user ${u} ${ip} port ${p} [preauth]`;
      case Msg.CLOSED_INVALID:
        return `${sshd}Connection closed by invalid user ${u} ${ip} port ${p} [preauth]`;
      case Msg.RESET_AUTH:
        return `${sshd}Connection reset by authenticating user ${u} ${ip} port ${p} [preauth]`;
      case Msg.CLOSED_PREAUTH:
        return `${sshd}Connection closed by ${ip} port ${p} [preauth]`;
      case Msg.RESET_PREAUTH:
        return `${sshd}Connection reset by ${ip} port ${p} [preauth]`;
      case Msg.NEGOTIATE_KEX:
        return `${sshd}Unable to negotiate with ${ip} port ${p}: no matching key exchange method found. Their offer: ${KEX_OFFERS[arg % KEX_OFFERS.length]} [preauth]`;
      case Msg.NEGOTIATE_HOSTKEY:
        return `${sshd}Unable to negotiate with ${ip} port ${p}: no matching host key type found. Their offer: ${HOSTKEY_OFFERS[arg % HOSTKEY_OFFERS.length]} [preauth]`;
      case Msg.KEX_CLOSED:
        return `${sshd}error: kex_exchange_identification: Connection closed by remote host`;
      case Msg.KEX_RESET:
        return `${sshd}error: kex_exchange_identification: read: Connection reset by peer`;
      case Msg.CLOSED_PLAIN:
        return `${sshd}Connection closed by ${ip} port ${p}`;
      case Msg.KEX_BANNER:
        return `${sshd}error: kex_exchange_identification: client sent invalid protocol identifier "GET / HTTP/1.1"`;
      case Msg.BANNER_INVALID:
        return `${sshd}banner exchange: Connection from ${ip} port ${p}: invalid format`;
      case Msg.DISCONNECTED_PREAUTH:
        return `${sshd}Disconnected from ${ip} port ${p} [preauth]`;
      case Msg.ACCEPTED_KEY:
        return `${sshd}Accepted publickey for ${u} from ${ip} port ${p} ssh2: ${this.keyText()}`;
      case Msg.ACCEPTED_PW:
        return `${sshd}Accepted password for ${u} from ${ip} port ${p} ssh2`;
      case Msg.SESSION_OPENED:
        return `${sshd}pam_unix(sshd:session): session opened for user ${u}(uid=${this.uid}) by (uid=0)`;
      case Msg.LOGIND_NEW:
        this.session = ctx.nextSession();
        this.tty = this.rng.int(4);
        return `${head}systemd-logind[${this.hostInfo.logindPid}]: New session ${this.session} of user ${u}.`;
      case Msg.RECV_DISC_USER:
        return `${sshd}Received disconnect from ${ip} port ${p}:11: disconnected by user`;
      case Msg.DISCONNECTED_USER:
        return `${sshd}Disconnected from user ${u} ${ip} port ${p}`;
      case Msg.SESSION_CLOSED:
        return `${sshd}pam_unix(sshd:session): session closed for user ${u}`;
      case Msg.LOGIND_LOGGED_OUT:
        return `${head}systemd-logind[${this.hostInfo.logindPid}]: Session ${this.session} logged out. Waiting for processes to exit.`;
      case Msg.LOGIND_REMOVED:
        return `${head}systemd-logind[${this.hostInfo.logindPid}]: Removed session ${this.session}.`;
      case Msg.SUDO_CMD:
        return `${head}sudo: ${u.padStart(8)} : TTY=pts/${this.tty} ; PWD=/home/${u} ; USER=root ; COMMAND=${SUDO_COMMANDS[arg % SUDO_COMMANDS.length]}`;
      case Msg.SUDO_CMD_NOTTY:
        return `${head}sudo: ${u.padStart(8)} : PWD=/home/${u} ; USER=root ; COMMAND=${DEPLOY_COMMANDS[arg % DEPLOY_COMMANDS.length]}`;
      case Msg.SUDO_OPENED:
        return `${head}sudo: pam_unix(sudo:session): session opened for user root(uid=0) by ${u}(uid=${this.uid})`;
      case Msg.SUDO_CLOSED:
        return `${head}sudo: pam_unix(sudo:session): session closed for user root`;
      case Msg.SUDO_AUTH_FAIL:
        return `${head}sudo: pam_unix(sudo:auth): authentication failure; logname=${u} uid=${this.uid} euid=0 tty=/dev/pts/${this.tty} ruser=${u} rhost=  user=${u}`;
      case Msg.SUDO_INCORRECT:
        return `${head}sudo: ${u.padStart(8)} : 1 incorrect password attempt ; TTY=pts/${this.tty} ; PWD=/home/${u} ; USER=root ; COMMAND=${SUDO_COMMANDS[arg % SUDO_COMMANDS.length]}`;
      case Msg.SU_TO:
        this.auxPid = ctx.nextPid();
        return `${head}su[${this.auxPid}]: (to postgres) ${u} on pts/${this.tty}`;
      case Msg.SU_OPENED:
        return `${head}su[${this.auxPid}]: pam_unix(su-l:session): session opened for user postgres(uid=113) by ${u}(uid=${this.uid})`;
      case Msg.SU_CLOSED:
        return `${head}su[${this.auxPid}]: pam_unix(su-l:session): session closed for user postgres`;
      case Msg.CRON_OPENED:
        return `${head}CRON[${this.pid}]: pam_unix(cron:session): session opened for user ${u}(uid=${this.uid}) by (uid=0)`;
      case Msg.CRON_CLOSED:
        return `${head}CRON[${this.pid}]: pam_unix(cron:session): session closed for user ${u}`;
      case Msg.SSHD_SIGHUP:
        return `${head}sshd[${this.hostInfo.sshdPid}]: Received SIGHUP; restarting.`;
      case Msg.LISTEN_V4:
        return `${head}sshd[${this.hostInfo.sshdPid}]: Server listening on 0.0.0.0 port 22.`;
      default:
        return `${head}sshd[${this.hostInfo.sshdPid}]: Server listening on :: port 22.`;
    }
  }

  /** `ED25519 SHA256:…` for the key this actor logs in with. */
  protected keyText(): string {
    return 'ED25519 SHA256:';
  }
}
