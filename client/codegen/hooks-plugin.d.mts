import type { DocumentNode } from 'graphql';

/** Named Apollo Client 4 hooks for the operations of `documents` (see hooks-plugin.mjs). */
export declare function plugin(
  schema: unknown,
  documents: Array<{ location?: string; document?: DocumentNode }>,
  config: { documentsModule?: string },
): string;
