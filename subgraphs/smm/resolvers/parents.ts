import type { SmmOrderRecord, SmmRefillRecord } from '../client.ts';
import type { ProviderConfig } from '../config.ts';

/** An order reference; `record` is there when the status was already read. */
export interface SmmOrderParent {
  provider: string;
  id: string;
  record?: SmmOrderRecord;
}

export interface SmmRefillParent {
  provider: string;
  id: string;
  record?: SmmRefillRecord;
}

export type SmmProviderParent = Pick<ProviderConfig, 'id' | 'name'>;

export interface SmmRefillResultParent {
  orderId: string;
  outcome: 'DONE' | 'REFUSED' | 'OUTCOME_UNKNOWN' | 'NOT_SENT';
  refill: SmmRefillParent | null;
  code: string | null;
  error: string | null;
}
