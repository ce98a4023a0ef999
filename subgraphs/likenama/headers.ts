// Apart from config.ts so that the API registry (stack/parts) can name the header without loading
// the subgraph: `npm start`'s primary process reads the registry and runs no subgraph.

/** The header that carries the calling user's Likenama auth token (forwarded by the gateway). */
export const LIKENAMA_TOKEN_HEADER = 'x-likenama-token';
