/** Placeholder until the GraphQL module lands (replaced before commit). */
import { HerdError } from '../core/index.js';
import type { KnownResource, Sample } from './check.js';
import type { HttpScanClient } from './http/scan-client.js';
import type { GraphqlApi } from './model.js';

export const graphqlSupport = {
  async load(_o: { client: HttpScanClient; baseUrl: URL; endpoint?: string; sdlFile?: string }): Promise<GraphqlApi> {
    throw new HerdError('HERD_SCAN_UNSUPPORTED', 'GraphQL scanning is not available in this build');
  },
  async explore(_o: { api: GraphqlApi; baseUrl: URL; client: HttpScanClient; users: readonly string[]; safe: boolean }): Promise<{ samples: Map<string, Sample[]>; resources: KnownResource[] }> {
    throw new HerdError('HERD_SCAN_UNSUPPORTED', 'GraphQL scanning is not available in this build');
  },
};
