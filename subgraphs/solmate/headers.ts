// Apart from context.ts so that the API registry (stack/parts) can name the header without loading
// the subgraph: `npm start`'s primary process reads the registry and runs no subgraph.

/** A caller's own Solmate account, as a full `Basic …` value; overrides the configured one. */
export const SOLMATE_AUTH_HEADER = 'x-solmate-authorization';
