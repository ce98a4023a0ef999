import type { StackPart } from '../part.ts';
import { likenamaPart } from './likenama.ts';
import { smmPart } from './smm.ts';
import { solmatePart } from './solmate.ts';
import { solsubPart } from './solsub.ts';

/**
 * The API registry: every API of the graph, one line each. The gateway's header forwarding, its
 * exposure check, composition, the stack, `ApiName` (and with it `UpstreamApi` and every table
 * keyed by API) are derived from this list.
 */
const registry = [solmatePart, solsubPart, smmPart, likenamaPart] as const;

/** The name of a registered API: a table keyed by it misses an API at compile time. */
export type ApiName = (typeof registry)[number]['name'];

export const parts: StackPart[] = [...registry];
