import { expect } from 'vitest';
import { LayerError } from '../../subgraphs/shared/errors.ts';

/** The LayerError `p` rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<LayerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LayerError);
  return err as LayerError;
}
