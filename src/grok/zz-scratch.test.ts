import { it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { compileRegex } from './index.js';
it('prints', () => {
  const dir = '/work/main/content/scenarios';
  for (const f of readdirSync(dir)) {
    const text = readFileSync(`${dir}/${f}`, 'utf8');
    for (const m of text.matchAll(/matches `([^`]*)`/g)) {
      const r = compileRegex(m[1]);
      console.log(f, m[1].slice(0, 60), '\n   =>', String(r.prefilter), '\n   cond:', r.prefilter?.describeCondition().slice(0, 300));
    }
  }
});
