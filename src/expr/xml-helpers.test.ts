import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { compileExpr } from './compile-expr.js';
import { compileEtreePath, findElement } from './etree-path.js';
import { xmlHelpers } from './xml-helpers.js';
import { parseXml } from './xml-tree.js';

const functions = xmlHelpers();
const nodeValue = (xml: string, path: string): unknown => functions.XMLGetNodeValue!(xml, path);
const attrValue = (xml: string, path: string, attr: string): unknown => functions.XMLGetAttributeValue!(xml, path, attr);

const EVENT = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
  <System>
    <Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>
    <EventID>1</EventID>
    <TimeCreated SystemTime='2024-01-02T03:04:05.6789012Z'/>
    <Channel>Microsoft-Windows-Sysmon/Operational</Channel>
    <Computer>host.example</Computer>
    <Security UserID='S-1-5-18'/>
  </System>
  <EventData>
    <Data Name='RuleName'>-</Data>
    <Data Name='ProcessId'>4242</Data>
    <Data Name='Image'>C:\\Windows\\System32\\cmd.exe</Data>
    <Data Name='CommandLine'>cmd /c "echo &lt;hi&gt; &amp; exit"</Data>
    <Data>positional</Data>
  </EventData>
</Event>`;

describe('XMLGetNodeValue and XMLGetAttributeValue', () => {
  it("give CrowdSec's answers for its own tests", () => {
    expect(attrValue('<root><child attr="value"/></root>', '/root/child', 'attr')).toBe('value');
    expect(attrValue('<root><child attr="value"/></root>', '/root/child', 'asdasd')).toBe('');
    expect(attrValue('<root><child attr="value"/></root>', '/foo/bar', 'asdasd')).toBe('');
    expect(attrValue('<root><', '/foo/bar', 'asdasd')).toBe('');
    expect(attrValue('<root><child attr="value"/></root>', '/foo/bar[@', 'asdasd')).toBe('');
    expect(nodeValue('<root><child>foobar</child></root>', '/root/child')).toBe('foobar');
    expect(nodeValue('<root><child>foobar</child></root>', '/foo/bar')).toBe('');
    expect(nodeValue('<root><', '/foo/bar')).toBe('');
    expect(nodeValue('<root><child>foobar</child></root>', '/foo/bar[@')).toBe('');
  });

  it('read a Windows event the way the hub parsers address it', () => {
    const run = (src: string): unknown =>
      compileExpr(src, { variables: ['evt'], functions, regex: (s) => new RE2(s) }).run({ evt: { Line: { Raw: EVENT } } });
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/System[1]/EventID")`)).toBe('1');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/System[1]/Channel")`)).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(run(`XMLGetAttributeValue(evt.Line.Raw, "/Event/System[1]/Provider", "Name")`)).toBe('Microsoft-Windows-Sysmon');
    expect(run(`XMLGetAttributeValue(evt.Line.Raw, "/Event/System[1]/TimeCreated", "SystemTime")`)).toBe('2024-01-02T03:04:05.6789012Z');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/EventData[1]/Data[@Name='ProcessId']")`)).toBe('4242');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/EventData[1]/Data[@Name='Image']")`)).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/EventData[1]/Data[@Name='CommandLine']")`)).toBe('cmd /c "echo <hi> & exit"');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/EventData[1]/Data[2]")`)).toBe('4242');
    expect(run(`XMLGetNodeValue(evt.Line.Raw, "/Event/EventData[1]/Data[@Name='Missing']")`)).toBe('');
  });

  it('support the rest of the etree path syntax', () => {
    const xml = `<a xmlns:w="urn:w"><b k="1">one</b><b k="2" x="">two</b><w:c>three<d/></w:c><e><b k="3">deep</b></e><f>  </f></a>`;
    const cases: [string, string][] = [
      ['/a/b[-1]', 'two'],
      ['/a/b[@x]', 'two'],
      ['/a/b[@k="2"]', 'two'],
      ['/a/*[text()=\'three\']', 'three'],
      ['/a/*[d]', 'three'],
      ['/a/c', 'three'],
      ['/a/w:c', 'three'],
      ['/a/x:c', ''],
      ['/a/*[local-name()=\'c\']', 'three'],
      ['/a/*[name()=\'w:c\']', 'three'],
      ['/a/*[namespace-prefix()=\'w\']', 'three'],
      ['/a/*[namespace-uri()=\'urn:w\']', 'three'],
      ['//b[@k=\'3\']', 'deep'],
      ['/a/e/b/..', ''],
      ['/a/e/b/../b', 'deep'],
      ['/a/f[text()]', '  '],
      ['/a/e[text()]', ''],
      ['/a/b[0]', 'one'],
      ['/a/b[3]', ''],
      ['/a/[', ''],
      ['/a/b[nope()]', ''],
      ['/a/b[@k=\'1]', ''],
    ];
    for (const [path, want] of cases) expect([path, nodeValue(xml, path)]).toEqual([path, want]);
    expect(attrValue(xml, '/a/b[2]', 'k')).toBe('2');
    expect(attrValue('<a xmlns:p="u"><b p:k="1" k="2"/></a>', '/a/b', 'p:k')).toBe('1');
    expect(attrValue('<a xmlns:p="u"><b p:k="1" k="2"/></a>', '/a/b', 'k')).toBe('1');
  });

  it('take the text right after the opening tag: runs, CDATA and comments joined, children stop it', () => {
    expect(nodeValue('<a>x<!-- c -->y<![CDATA[<z>]]>&#65;&#x42;<b/>after</a>', '/a')).toBe('xy<z>AB');
    expect(nodeValue('<a>line1\r\nline2\rline3</a>', '/a')).toBe('line1\nline2\nline3');
    expect(nodeValue('<a><?pi x?>text</a>', '/a')).toBe('');
    expect(attrValue('<a k="1&quot;2&apos;\r\n3"/>', '/a', 'k')).toBe('1"2\'\n3');
    expect(attrValue('<a k="1" k="2"/>', '/a', 'k')).toBe('2');
  });

  it('refuse what Go\'s strict decoder and etree refuse, answering ""', () => {
    const refused = [
      '<a><b></a>',
      '<a>',
      '<a></b>',
      '</a>',
      '<a>&nbsp;</a>',
      '<a>&amp</a>',
      '<a>&#0;</a>',
      '<a>\u0001</a>',
      '<a k=1/>',
      '<a k/>',
      '<a k="<"/>',
      '<a><!-- a -- b --></a>',
      '<a>]]></a>',
      '<x:y:z/>',
      '<?xml version="1.1"?><a/>',
      '<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>',
      '<a><![CDATA[open</a>',
      '<1a/>',
    ];
    for (const xml of refused) {
      expect(() => parseXml(xml), xml).toThrow();
      expect(nodeValue(xml, '/a'), xml).toBe('');
    }
  });

  it('accept what Go accepts: several roots, text around them, a DOCTYPE, declarations, attributes without spaces', () => {
    expect(nodeValue('lead <a>1</a><a>2</a> trail', '/a[2]')).toBe('2');
    expect(nodeValue('<?xml version="1.0" encoding="windows-1252"?><!DOCTYPE a [<!ELEMENT a (#PCDATA)> <!-- > -->]><a>ok</a>', '/a')).toBe('ok');
    expect(attrValue('<a x="1"y=\'2\'/>', '/a', 'y')).toBe('2');
    expect(nodeValue('<a>&#x1F600;</a>', '/a')).toBe('😀');
    expect(nodeValue('<a>&#xD800;</a>', '/a')).toBe('\ufffd');
  });

  it('stay linear on hostile documents: deep nesting, long text, a descendant search with no answer', () => {
    const depth = 100_000;
    const deep = `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
    let started = performance.now();
    expect(nodeValue(deep, '/a/a/a')).toBe('');
    expect(nodeValue(`${deep}<`, '/a')).toBe('');
    expect(performance.now() - started).toBeLessThan(3000);
    const path = compileEtreePath('//a//a//b')!;
    started = performance.now();
    expect(findElement(parseXml(`${'<a>'.repeat(3000)}${'</a>'.repeat(3000)}`), path)).toBeNull();
    expect(performance.now() - started).toBeLessThan(3000);
  });

  type Tree = { tag: string; text: string; children: readonly Tree[] };
  const tag = fc.constantFrom('a', 'b', 'c');
  const text = fc.string({ unit: fc.constantFrom('x', ' ', '<', '&', '"', "'", 'é', ']', '>'), maxLength: 5 });
  const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      fc.record({ tag, text, children: fc.constant<Tree[]>([]) }),
      fc.record({ tag, text, children: fc.array(tie('tree'), { maxLength: 3 }) }),
    ),
  }));
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const serialize = (t: Tree): string => `<${t.tag}>${escape(t.text)}${t.children.map(serialize).join('')}</${t.tag}>`;

  it('find every element by its positional path, with its text (property)', () => {
    fc.assert(
      fc.property(tree, (root) => {
        const xml = serialize(root);
        const walk = (t: Tree, path: string): void => {
          expect(nodeValue(xml, path)).toBe(t.text);
          const seen = new Map<string, number>();
          for (const c of t.children) {
            const n = (seen.get(c.tag) ?? 0) + 1;
            seen.set(c.tag, n);
            walk(c, `${path}/${c.tag}[${n}]`);
          }
        };
        walk(root, `/${root.tag}`);
      }),
      { seed: 9, numRuns: 400 },
    );
  });
});
