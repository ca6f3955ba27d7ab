import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';

/** Content loading: what `data:` entries of content may read. */

describe('data files of content', () => {
  it('refuses a dest_file that leads out of the data directory', async () => {
    const { loadContent, loadHerdConfig } = await import('./index.js');
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { DecisionHistory } = await import('../decisions/index.js');
    const { silentLogger } = await import('../core/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'herd-kit-'));
    try {
      mkdirSync(join(dir, 'content', 'scenarios'), { recursive: true });
      writeFileSync(
        join(dir, 'content', 'scenarios', 'x.yaml'),
        'type: trigger\nname: t/x\ndescription: d\nfilter: "1 == 1"\ndata:\n  - dest_file: ../../../etc/passwd\n    type: string\n',
      );
      writeFileSync(join(dir, 'herd.yaml'), `content:\n  builtin: false\n  dirs: [${join(dir, 'content')}]\nprofiles: ${join(dir, 'p.yaml')}\n`);
      writeFileSync(join(dir, 'p.yaml'), 'name: p\nfilters: ["true"]\ndecisions: [{type: ban, duration: 1h}]\non_success: break\n');
      const config = loadHerdConfig({ configFile: join(dir, 'herd.yaml'), dataDir: join(dir, 'data') });
      const clock = new ManualClock(0);
      expect(() => loadContent(config, { clock, logger: silentLogger(), history: new DecisionHistory(() => 0) })).toThrow(/would be written outside|outside/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
