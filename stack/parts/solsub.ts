import type { StackPart } from '../part.ts';

// Not built yet: see the solsub issue.
export const solsubPart: StackPart | null = null;
