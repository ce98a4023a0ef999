import type { StackPart } from '../part.ts';
import { likenamaPart } from './likenama.ts';
import { smmPart } from './smm.ts';
import { solmatePart } from './solmate.ts';
import { solsubPart } from './solsub.ts';

/** Every API of the graph. */
export const parts: StackPart[] = [solmatePart, solsubPart, smmPart, likenamaPart];
