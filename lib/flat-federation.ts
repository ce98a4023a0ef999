import { createRequire } from 'node:module';
import { directCreateHash } from './direct-hash.ts';
import { flattenExports } from './flat-exports.ts';

// Imported first by the gateway's and the subgraphs' servers, so that it runs before they load
// Apollo's libraries.
const require = createRequire(import.meta.url);
// @apollo/federation-internals, before @apollo/gateway and @apollo/subgraph load it (see
// flat-exports.ts for why)
flattenExports(require.resolve('@apollo/gateway'), '@apollo/federation-internals');
// the copies of @apollo/utils.createhash that Apollo Server and @apollo/gateway import (see
// direct-hash.ts for why)
directCreateHash(require.resolve('@apollo/server'));
directCreateHash(require.resolve('@apollo/gateway'));
