// Apart from context.ts so that the API registry (stack/parts) can name the header without loading
// the subgraph: `npm start`'s primary process reads the registry and runs no subgraph.

export const SOLSUB_KEY_HEADER = 'x-solsub-api-key';
