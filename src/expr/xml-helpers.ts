/**
 * CrowdSec's XML helpers (pkg/exprhelpers/xml.go): XMLGetNodeValue(xml, path) gives the text of the
 * first element the etree path finds, XMLGetAttributeValue(xml, path, attr) one of its attributes;
 * "" when the document or the path is invalid, or nothing is found. Windows event parsers call them
 * a dozen times on the same line, so, as CrowdSec does, the last documents parsed are kept (here the
 * last few, by their text) and compiled paths are cached.
 */
import { fault } from './errors.js';
import { compileEtreePath, findElement, type EtreePath } from './etree-path.js';
import { goTypeOf, type ExprFunction } from './values.js';
import { parseXml, type XmlElement } from './xml-tree.js';

/** Documents kept (CrowdSec keeps 50 for 5 s; the helpers of one line need the last one). */
const DOCUMENTS_KEPT = 4;
/** Paths come from content, so they are few; the bound only guards against computed paths. */
const PATHS_KEPT = 1024;

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

export function xmlHelpers(): Record<string, ExprFunction> {
  const paths = new Map<string, EtreePath | null>();
  /** Parsed documents by text; null for text that is not XML. */
  const documents = new Map<string, XmlElement | null>();

  const path = (p: string): EtreePath | null => {
    let compiled = paths.get(p);
    if (compiled === undefined) {
      compiled = compileEtreePath(p);
      if (paths.size >= PATHS_KEPT) paths.clear();
      paths.set(p, compiled);
    }
    return compiled;
  };

  const document = (xml: string): XmlElement | null => {
    let doc = documents.get(xml);
    if (doc === undefined) {
      try {
        doc = parseXml(xml);
      } catch {
        doc = null;
      }
      if (documents.size >= DOCUMENTS_KEPT) documents.delete(documents.keys().next().value!);
      documents.set(xml, doc);
    }
    return doc;
  };

  const find = (xml: string, p: string): XmlElement | null => {
    const compiled = path(p);
    if (compiled === null) return null;
    const doc = document(xml);
    return doc === null ? null : findElement(doc, compiled);
  };

  return {
    XMLGetNodeValue: (xml?: unknown, p?: unknown) => {
      const el = find(str('XMLGetNodeValue', xml), str('XMLGetNodeValue', p));
      return el === null ? '' : el.text();
    },
    XMLGetAttributeValue: (xml?: unknown, p?: unknown, attr?: unknown) => {
      const x = str('XMLGetAttributeValue', xml);
      const pp = str('XMLGetAttributeValue', p);
      const name = str('XMLGetAttributeValue', attr);
      const el = find(x, pp);
      return el === null ? '' : (el.selectAttr(name)?.value ?? '');
    },
  };
}
