import { spawn } from 'node:child_process';
import { HerdError } from '../core/index.js';

/**
 * Runs `nft`: one process per batch, the script on its standard input (`nft -f -`). The command
 * can be a prefix (`['ip', 'netns', 'exec', 'ns1', 'nft']`), which is how the tests reach a
 * network namespace.
 */

export interface NftRunner {
  /** Applies a script as one transaction; throws HERD_NFT_MISSING or HERD_NFT_FAILED. */
  run(script: string): Promise<void>;
  /** `nft --version`; throws HERD_NFT_MISSING when nft cannot be run. */
  version(): Promise<string>;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class SpawnNftRunner implements NftRunner {
  constructor(private readonly command: readonly string[] = ['nft']) {
    if (command.length === 0) throw new HerdError('HERD_BOUNCER_CONFIG', 'nftables.command is empty; use ["nft"] or the path of nft');
  }

  async version(): Promise<string> {
    const r = await this.exec(['--version'], '');
    if (r.code !== 0) throw new HerdError('HERD_NFT_MISSING', `\`${this.command.join(' ')} --version\` failed (${firstLines(r.stderr) || `exit ${r.code}`}); install nftables (apt-get install nftables)`);
    return r.stdout.trim();
  }

  async run(script: string): Promise<void> {
    const r = await this.exec(['-f', '-'], script);
    if (r.code === 0) return;
    const err = firstLines(r.stderr) || `exit code ${r.code}`;
    const hint = /Operation not permitted|Permission denied/i.test(r.stderr)
      ? 'run herd as root or give it CAP_NET_ADMIN'
      : 'the script is shown above; check that the kernel has nf_tables and that nothing else uses the table';
    throw new HerdError('HERD_NFT_FAILED', `nft refused the batch: ${err}\n--- script (first lines) ---\n${firstLines(script, 12)}\n--- ${hint}`);
  }

  private exec(args: string[], input: string): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const [cmd, ...prefix] = this.command;
      const child = spawn(cmd, [...prefix, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => errOut.push(b));
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') reject(new HerdError('HERD_NFT_MISSING', `'${cmd}' was not found; install nftables (apt-get install nftables) or set the path of nft`, { cause: err }));
        else reject(new HerdError('HERD_NFT_FAILED', `cannot run '${cmd}': ${err.message}`, { cause: err }));
      });
      child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') }));
      // nft may exit before reading everything (a syntax error on line 1): ignore the broken pipe.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }
}

function firstLines(s: string, n = 6): string {
  const lines = s.trim().split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? `\n… (${lines.length - n} more lines)` : '');
}
