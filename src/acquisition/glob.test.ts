import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob, expandGlob, matchesGlob } from './glob.js';

describe('globs', () => {
  it('matches *, ? and character classes within one path segment, as Go does', () => {
    const g = compileGlob('/var/log/nginx/*.log');
    expect(matchesGlob(g, '/var/log/nginx/access.log')).toBe(true);
    expect(matchesGlob(g, '/var/log/nginx/.hidden.log')).toBe(true);
    expect(matchesGlob(g, '/var/log/nginx/sub/access.log')).toBe(false);
    expect(matchesGlob(g, '/var/log/nginx/access.log.1')).toBe(false);
    const c = compileGlob('/logs/app-[a-c0-9]?.[!g]z');
    expect(matchesGlob(c, '/logs/app-b7.tz')).toBe(true);
    expect(matchesGlob(c, '/logs/app-d7.tz')).toBe(false);
    expect(matchesGlob(c, '/logs/app-b7.gz')).toBe(false);
    expect(matchesGlob(compileGlob('/a/\\*.log'), '/a/*.log')).toBe(true);
    expect(matchesGlob(compileGlob('/a/\\*.log'), '/a/x.log')).toBe(false);
  });

  it('knows the deepest directory without wildcards', () => {
    expect(compileGlob('/var/log/nginx/*.log').baseDir).toBe('/var/log/nginx');
    expect(compileGlob('/var/log/*/access.log').baseDir).toBe('/var/log');
    expect(compileGlob('/var/log/syslog')).toMatchObject({ baseDir: '/var/log', literal: true });
  });

  it('refuses relative patterns, ** and unclosed classes', () => {
    expect(() => compileGlob('var/log/*.log')).toThrow(/not an absolute path/);
    expect(() => compileGlob('/var/**/x.log')).toThrow(/'\*\*'/);
    expect(() => compileGlob('/var/log/[ab.log')).toThrow(/unclosed '\['/);
  });

  it('expands to the regular files that exist, sorted, following links and skipping directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herd-glob-'));
    try {
      await mkdir(join(dir, 'a'));
      await mkdir(join(dir, 'b'));
      await mkdir(join(dir, 'b', 'dir.log'));
      await writeFile(join(dir, 'a', 'x.log'), '');
      await writeFile(join(dir, 'b', 'y.log'), '');
      await writeFile(join(dir, 'b', 'y.txt'), '');
      await symlink(join(dir, 'a', 'x.log'), join(dir, 'b', 'link.log'));
      expect(await expandGlob(compileGlob(`${dir}/*/*.log`))).toEqual([join(dir, 'a', 'x.log'), join(dir, 'b', 'link.log'), join(dir, 'b', 'y.log')]);
      expect(await expandGlob(compileGlob(`${dir}/missing/*.log`))).toEqual([]);
      expect(await expandGlob(compileGlob(`${dir}/a/x.log`))).toEqual([join(dir, 'a', 'x.log')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
