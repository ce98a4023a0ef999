import { tenantTag } from '../shared/cache.ts';
import type { IdempotencyOptions } from '../shared/idempotency.ts';
import { ErrorCode, LayerError } from '../shared/errors.ts';
import { header, type RequestInfo, type SubgraphState } from '../shared/definition.ts';
import { HttpLikenamaApi, type LikenamaApi } from './client.ts';
import type { LikenamaConfig } from './config.ts';
import { LIKENAMA_TOKEN_HEADER } from './headers.ts';
import { createLikenamaLoaders, type LikenamaLoaders } from './loaders.ts';

/** State that outlives a request. */
export type LikenamaShared = SubgraphState<LikenamaConfig, (token: string) => LikenamaApi>;

export interface LikenamaContext {
  /** the caller's API; throws UNAUTHENTICATED when the request carries no usable token */
  api(): LikenamaApi;
  loaders: LikenamaLoaders;
  /** names the calling user (URL and token) without the token, for idempotency scopes */
  tenant(): string;
  idempotency: IdempotencyOptions;
}

// Printable ASCII only: the token travels as a raw header value.
const TOKEN = /^[\x21-\x7e]{1,512}$/;

export function createLikenamaContext(shared: LikenamaShared, req: RequestInfo): LikenamaContext {
  const token = header(req, LIKENAMA_TOKEN_HEADER)?.trim();
  let api: LikenamaApi | undefined;
  const getApi = (): LikenamaApi => {
    if (api) return api;
    if (!token) {
      throw new LayerError(
        ErrorCode.UNAUTHENTICATED,
        `Likenama fields need the user's Likenama auth token in the ${LIKENAMA_TOKEN_HEADER} header`,
        { api: 'likenama' },
      );
    }
    if (!TOKEN.test(token)) {
      throw new LayerError(
        ErrorCode.UNAUTHENTICATED,
        `The ${LIKENAMA_TOKEN_HEADER} header is not a Likenama auth token`,
        { api: 'likenama' },
      );
    }
    api = shared.makeApi ? shared.makeApi(token) : new HttpLikenamaApi(shared.config, token);
    return api;
  };
  return {
    api: getApi,
    loaders: createLikenamaLoaders(getApi),
    // getApi() first: it refuses a missing or malformed token
    tenant: () => (getApi(), `likenama:${tenantTag(shared.config.url, token ?? '')}`),
    idempotency: shared.idempotency,
  };
}
