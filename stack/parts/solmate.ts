import type { StackPart } from '../part.ts';

// Not built yet: see the solmate issue.
export const solmatePart: StackPart | null = null;
