import { describe, expect, it } from 'vitest';
import { mapStore } from './map-store.js';
import { newLogEvent, TIMEMACHINE } from './event.js';

const event = () => newLogEvent({ raw: 'x', src: 'test', module: 'file', readAt: 0, labels: {} } as never, TIMEMACHINE);

describe('mapStore: one function per key of an event map', () => {
  it('stores any key as written, quotes, backslashes, line separators and __proto__ included', () => {
    const evt = event();
    const keys = ['http_path', 'a"b', "it's", 'back\\slash', 'line\u2028sep', '__proto__', 'constructor', '', 'évé'];
    keys.forEach((k, i) => expect(mapStore('Meta', k)(evt, `v${i}`)).toBe(true));
    keys.forEach((k, i) => expect(Object.getOwnPropertyDescriptor(evt.Meta, k)?.value).toBe(`v${i}`));
    expect(Object.keys(evt.Meta)).toHaveLength(keys.length);
  });

  it('writes into the map it names, and shares one function per map and key', () => {
    const evt = event();
    mapStore('Parsed', 'k')(evt, 'p');
    mapStore('Enriched', 'k')(evt, 'e');
    mapStore('Unmarshaled', 'k')(evt, 'u');
    expect([evt.Parsed.k, evt.Enriched.k, evt.Unmarshaled.k, evt.Meta.k]).toEqual(['p', 'e', 'u', undefined]);
    expect(mapStore('Parsed', 'k')).toBe(mapStore('Parsed', 'k'));
  });
});
