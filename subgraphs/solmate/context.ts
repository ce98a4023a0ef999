import { badInput, ErrorCode, LayerError } from '../shared/errors.ts';
import { tenantTag } from '../shared/cache.ts';
import type { IdempotencyOptions } from '../shared/idempotency.ts';
import { header, type RequestInfo, type SubgraphState } from '../shared/definition.ts';
import { HttpSolmateApi, type SolmateApi } from './client.ts';
import type { SolmateConfig } from './config.ts';
import { createSolmateLoaders, type SolmateLoaders } from './loaders.ts';
import { SOLMATE_AUTH_HEADER } from './headers.ts';

export interface SolmateCredentials {
  /** the full Authorization header value sent to Solmate */
  authorization: string;
  /** texts to scrub from anything upstream says (token, password) */
  secrets: string[];
}

/** State that outlives a request. */
export type SolmateShared = SubgraphState<SolmateConfig, (credentials: SolmateCredentials) => SolmateApi>;

export interface SolmateContext {
  config: SolmateConfig;
  /** the client for this request's credentials; UNAUTHENTICATED when there are none */
  api(): SolmateApi;
  loaders: SolmateLoaders;
  /** counts ids asked for in this request and refuses past the configured bound */
  takeIds(n: number): void;
  /** names this request's account (URL and credentials) without the credentials, for idempotency scopes */
  tenant(): string;
  idempotency: IdempotencyOptions;
}

const unauthenticated = (message: string) =>
  new LayerError(ErrorCode.UNAUTHENTICATED, message, { api: 'solmate' });

export function credentialsFor(config: SolmateConfig, req: RequestInfo): SolmateCredentials {
  const given = header(req, SOLMATE_AUTH_HEADER)?.trim();
  if (given) {
    const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(given);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (!m || colon < 1) {
      throw unauthenticated(
        `${SOLMATE_AUTH_HEADER} must be a full Basic value: "Basic " + base64(account:password)`,
      );
    }
    return { authorization: `Basic ${m[1]}`, secrets: [given, m[1]!, decoded.slice(colon + 1)] };
  }
  if (!config.user || !config.password) {
    throw unauthenticated(
      `No Solmate credentials: configure SOLMATE_USER and SOLMATE_PASSWORD or send the ${SOLMATE_AUTH_HEADER} header`,
    );
  }
  const token = Buffer.from(`${config.user}:${config.password}`, 'utf8').toString('base64');
  return { authorization: `Basic ${token}`, secrets: [token, config.password] };
}

export function createSolmateContext(shared: SolmateShared, req: RequestInfo): SolmateContext {
  const { config } = shared;
  let api: SolmateApi | undefined;
  let idsTaken = 0;
  const getApi = (): SolmateApi => {
    if (!api) {
      const creds = credentialsFor(config, req);
      api = shared.makeApi
        ? shared.makeApi(creds)
        : new HttpSolmateApi(config.url, creds.authorization, creds.secrets, config.http);
    }
    return api;
  };
  return {
    config,
    api: getApi,
    tenant: () => `solmate:${tenantTag(config.url, credentialsFor(config, req).authorization)}`,
    idempotency: shared.idempotency,
    loaders: createSolmateLoaders(getApi, config.concurrency),
    takeIds(n) {
      idsTaken += n;
      if (idsTaken > config.maxIdsPerRequest) {
        throw badInput(`Too many Solmate order ids in one request: at most ${config.maxIdsPerRequest}`, [
          'ids',
        ]);
      }
    },
  };
}
