import { createRequire } from 'node:module';
import { flattenExports } from './flat-exports.ts';

// Imported first by the gateway's and the subgraphs' servers, before @apollo/gateway and
// @apollo/subgraph load @apollo/federation-internals (see flat-exports.ts for why).
flattenExports(createRequire(import.meta.url).resolve('@apollo/gateway'), '@apollo/federation-internals');
