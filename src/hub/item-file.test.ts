import { describe, expect, it } from 'vitest';
import { readItemFile } from './item-file.js';
import { herdErrorOf } from '../../test/support/herd-error.js';

describe('readItemFile', () => {
  it('collects the data files of every document, once each, skipping entries without a source_url', () => {
    const text = [
      'type: leaky',
      'name: a/one',
      'data:',
      '  - source_url: https://hub-data.crowdsec.net/web/backdoors.txt',
      '    dest_file: backdoors.txt',
      '    type: string',
      '  - dest_file: provided-by-user.txt',
      '    type: string',
      '---',
      'type: leaky',
      'name: a/two',
      'data:',
      '  - source_url: https://hub-data.crowdsec.net/web/backdoors.txt',
      '    dest_file: backdoors.txt',
      '  - source_url: https://hub-data.crowdsec.net/web/sensitive_data.txt',
      '    dest_file: 123',
      '',
    ].join('\n');
    expect(readItemFile(text, 'x.yaml', 'scenarios:a/one', false)).toEqual({
      data: [
        { sourceUrl: 'https://hub-data.crowdsec.net/web/backdoors.txt', destFile: 'backdoors.txt' },
        { sourceUrl: 'https://hub-data.crowdsec.net/web/sensitive_data.txt', destFile: '123' },
      ],
      dependencies: null,
    });
  });

  it('names the file and line of a YAML syntax error', () => {
    const err = herdErrorOf(() => readItemFile('name: a/b\nfilter: "x" y\nnodes: []\n', '/hub/parsers/s01-parse/a/b.yaml', 'parsers:a/b', false));
    expect(err.code).toBe('HERD_YAML_SYNTAX');
    expect(err.message).toMatch(/^\/hub\/parsers\/s01-parse\/a\/b\.yaml:2: invalid YAML/);
  });

  it('names the line of a data entry without dest_file', () => {
    const err = herdErrorOf(() => readItemFile('name: a/b\ndata:\n  - source_url: https://x/y\n    type: string\n', 'f.yaml', 'scenarios:a/b', false));
    expect(err.code).toBe('HERD_HUB_ITEM_INVALID');
    expect(err.message).toMatch(/^f\.yaml:3: scenarios:a\/b: data\[0\]\.dest_file/);
  });

  it('refuses a document that is not a map', () => {
    expect(herdErrorOf(() => readItemFile('- a\n- b\n', 'f.yaml', 'parsers:a/b', false)).message).toBe('f.yaml:1: parsers:a/b: a document of an item file must be a map of keys');
  });

  it('reads the lists of a collection', () => {
    const f = readItemFile('name: a/c\nparsers:\n  - a/p\nscenarios:\n  - a/s1\n  - a/s2\ncollections:\n', 'c.yaml', 'collections:a/c', true);
    expect(f.dependencies).toMatchObject({ parsers: ['a/p'], scenarios: ['a/s1', 'a/s2'], collections: [], postoverflows: [] });
  });
});
