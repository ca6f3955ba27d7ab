import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiOperation } from '../model.js';
import { parseXml, textOf, type XmlElement } from '../../../test/targets/legacy/xml-parser.js';
import { buildRequest, encodeBody, encodeXml, isXmlContentType, xmlRootName } from './build-request.js';

const strict = { dtd: 'refuse' } as const;
const child = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
/** What XML 1.0 can carry of a string: the characters it forbids become U+FFFD. */
const carried = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function xmlOp(extra: Partial<ApiOperation> = {}): ApiOperation {
  return {
    id: 'importNote',
    method: 'POST',
    path: '/notes/import',
    tags: [],
    parameters: [],
    requestBody: { contentType: 'application/xml', required: true, schema: { type: 'object', properties: { title: { type: 'string', example: 'Groceries' } } } },
    responses: [],
    requiresAuth: true,
    deprecated: false,
    ...extra,
  };
}

describe('XML request bodies', () => {
  it('recognises application/xml, text/xml and +xml types, with parameters, and nothing else', () => {
    for (const t of ['application/xml', 'text/xml; charset=utf-8', 'application/atom+xml', 'APPLICATION/SOAP+XML']) expect(isXmlContentType(t), t).toBe(true);
    for (const t of ['application/json', 'text/plain', 'application/xml-dtd', 'application/x-www-form-urlencoded', 'xml']) expect(isXmlContentType(t), t).toBe(false);
  });

  it("names the root from the schema's xml.name, makes properties child elements, arrays repeated elements, and honours attribute, wrapped and prefix", async () => {
    const schema = {
      type: 'object',
      xml: { name: 'Pet', prefix: 'p', namespace: 'https://example.com/pet' },
      properties: {
        id: { type: 'integer', xml: { attribute: true } },
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', xml: { name: 'tag' } } },
        photos: { type: 'array', xml: { wrapped: true }, items: { type: 'string', xml: { name: 'url' } } },
        owner: { type: 'object', xml: { name: 'Owner' }, properties: { name: { type: 'string' } } },
      },
    };
    const text = encodeXml({ id: 7, name: 'Rex & <Co>', tags: ['a', 'b'], photos: ['x'], owner: { name: 'Ann' }, note: null }, schema, 'ignored');
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><p:Pet xmlns:p="https://example.com/pet" id="7"><name>Rex &amp; &lt;Co&gt;</name><tag>a</tag><tag>b</tag><photos><url>x</url></photos><Owner><name>Ann</name></Owner><note/></p:Pet>',
    );
    const doc = await parseXml(text, strict);
    expect(doc.name).toBe('p:Pet');
    expect(doc.attributes.id).toBe('7');
    expect(textOf(child(doc, 'name')[0]!)).toBe('Rex & <Co>');
    expect(child(doc, 'tag').map(textOf)).toEqual(['a', 'b']);
  });

  it('names the root after the operation when the schema does not, and sends the declared XML type', () => {
    const built = buildRequest(xmlOp(), new URL('http://127.0.0.1:1/api'));
    expect(built.request.headers['content-type']).toBe('application/xml');
    expect(built.request.body).toBe('<?xml version="1.0" encoding="UTF-8"?><note><title>Groceries</title></note>');
    expect(xmlRootName(xmlOp({ id: 'POST /notes/{id}/entries', path: '/notes/{id}/entries' }))).toBe('entry');
    expect(xmlRootName(xmlOp({ id: 'POST /orders', path: '/orders' }))).toBe('order');
    expect(xmlRootName(xmlOp({ id: 'POST /orders', path: '/orders', requestBody: { contentType: 'application/xml', required: true, schema: { title: 'PurchaseOrder' } } }))).toBe('PurchaseOrder');
    expect(xmlRootName(xmlOp({ id: 'POST /{id}', path: '/{id}' }))).toBe('root');
    expect(encodeBody('text/xml', ['a', 1]).body).toBe('<?xml version="1.0" encoding="UTF-8"?><root><item>a</item><item>1</item></root>');
    expect(encodeBody('application/json', { a: 1 }).body).toBe('{"a":1}');
  });

  it('escapes any string so that it comes back from a strict XML parser unchanged (or with U+FFFD where XML cannot carry a character)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }), async (value, attr) => {
        const text = encodeXml({ id: attr, title: value }, { properties: { id: { xml: { attribute: true } } } }, 'note');
        const doc = await parseXml(text, strict);
        expect(doc.attributes.id).toBe(carried(attr));
        expect(textOf(child(doc, 'title')[0] ?? { name: '', attributes: {}, children: [] })).toBe(carried(value));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a well-formed document for any JSON value, whatever its keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 12 }), async (value, root) => {
        const doc = await parseXml(encodeXml(value, undefined, root), strict);
        expect(doc.name).toMatch(/^[A-Za-z_][A-Za-z0-9._-]*$/);
      }),
      { numRuns: 300 },
    );
  });
});
