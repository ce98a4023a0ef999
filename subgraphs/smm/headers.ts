// Apart from context.ts so that the API registry (stack/parts) can name the header without loading
// the subgraph: `npm start`'s primary process reads the registry and runs no subgraph.

/** Caller headers `x-smm-key-<provider id>` carry the caller's own key for that panel. */
export const SMM_KEY_HEADER_PREFIX = 'x-smm-key-';
