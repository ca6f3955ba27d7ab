import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../core/index.js';
import { DecisionHistory } from '../decisions/index.js';
import { loadContent } from './content.js';
import { loadHerdConfig } from './herd-config.js';

/** Content loading: what `data:` entries of content may read. */

describe('data files of content', () => {
  it('refuses a dest_file that leads out of the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-content-data-'));
    try {
      mkdirSync(join(dir, 'content', 'scenarios'), { recursive: true });
      writeFileSync(
        join(dir, 'content', 'scenarios', 'x.yaml'),
        'type: trigger\nname: t/x\ndescription: d\nfilter: "1 == 1"\ndata:\n  - dest_file: ../../../etc/passwd\n    type: string\n',
      );
      writeFileSync(join(dir, 'p.yaml'), 'name: p\nfilters: ["true"]\ndecisions: [{type: ban, duration: 1h}]\non_success: break\n');
      writeFileSync(join(dir, 'herd.yaml'), `content:\n  builtin: false\n  dirs: [${join(dir, 'content')}]\nprofiles: ${join(dir, 'p.yaml')}\n`);
      const config = loadHerdConfig({ configFile: join(dir, 'herd.yaml'), dataDir: join(dir, 'data') });
      expect(() => loadContent(config, { clock: new ManualClock(0), logger: silentLogger(), history: new DecisionHistory(() => 0) })).toThrow(
        /data file '\.\.\/\.\.\/\.\.\/etc\/passwd' leads outside/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
