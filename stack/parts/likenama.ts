import type { StackPart } from '../part.ts';

// Not built yet: see the likenama issue.
export const likenamaPart: StackPart | null = null;
