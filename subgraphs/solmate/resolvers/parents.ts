import type { AdOrderRecord } from '../client.ts';

/** An order reference; `record` is there when the order was already read. */
export interface AdOrderParent {
  id: string;
  record?: AdOrderRecord;
}
