import type { StackPart } from '../part.ts';
import { likenamaPart } from './likenama.ts';
import { smmPart } from './smm.ts';
import { solmatePart } from './solmate.ts';
import { solsubPart } from './solsub.ts';

/** Every API of the graph; a part that is still `null` is not built yet. */
export const parts: StackPart[] = [solmatePart, solsubPart, smmPart, likenamaPart].filter(
  (p): p is StackPart => p !== null,
);
