import { readFileSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../lib/config.ts';
import { rejectedRequests, trustedDocumentResults } from '../lib/metrics.ts';

/**
 * Trusted documents (persisted operations): the operations of our own apps, written by codegen to
 * client/__generated__/persisted-documents.json (the client preset's format: `"sha256:<hex>":
 * "<document>"`). `off`: any operation runs. `allow`: any operation runs, and those outside the
 * manifest are counted (gateway_trusted_documents_total{result="unlisted"}), so `only` can be
 * switched on knowing what it would refuse. `only`: an operation runs only when it is in the manifest, which is how a public GraphQL API is
 * locked down to its own apps. In every mode a request naming a manifest document by its hash
 * runs that document, so an app built with hashes works against any gateway.
 */
export type TrustedMode = 'off' | 'allow' | 'only';

export const DEFAULT_MANIFEST = new URL('../client/__generated__/persisted-documents.json', import.meta.url);

export interface TrustedSettings {
  mode: TrustedMode;
  /** manifest files (one per app), merged */
  files: string[];
}

export function trustedSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TrustedSettings {
  const parsed = parseEnv(
    {
      GATEWAY_TRUSTED_DOCUMENTS: z
        .enum(['off', 'allow', 'only'], { error: 'must be off, allow or only' })
        .default('off'),
      GATEWAY_TRUSTED_DOCUMENTS_FILES: z.string().optional(),
    },
    env,
  );
  const files = parsed.GATEWAY_TRUSTED_DOCUMENTS_FILES?.split(',')
    .map((f) => f.trim())
    .filter(Boolean) ?? [DEFAULT_MANIFEST.pathname];
  return { mode: parsed.GATEWAY_TRUSTED_DOCUMENTS, files };
}

/**
 * Directives Apollo Client acts on and removes before sending (data masking's @unmask, @nonreactive,
 * @connection); the manifest keeps the app's source text, the server must never see them.
 */
const CLIENT_DIRECTIVES = new Set(['unmask', 'nonreactive', 'connection']);

export function serverDocument(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    [Kind.DIRECTIVE]: (d) => (CLIENT_DIRECTIVES.has(d.name.value) ? null : undefined),
    // @client fields are resolved in the browser
    [Kind.FIELD]: (f) => (f.directives?.some((d) => d.name.value === 'client') ? null : undefined),
  });
}

export interface Manifest {
  /** hex sha256 → the document the server runs */
  byHash: Map<string, string>;
  /** the same documents in graphql-js print form: a full-text request matches one of these */
  texts: Set<string>;
}

export function loadManifest(files: string[]): Manifest {
  const byHash = new Map<string, string>();
  const texts = new Set<string>();
  for (const file of files) {
    let entries: Record<string, unknown>;
    try {
      entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(
        'GATEWAY_TRUSTED_DOCUMENTS_FILES',
        `cannot read the manifest ${file}: ${(err as Error).message}`,
      );
    }
    for (const [id, text] of Object.entries(entries)) {
      const hex = /^(?:sha256:)?([0-9a-f]{64})$/.exec(id)?.[1];
      if (!hex || typeof text !== 'string') {
        throw new ConfigError(
          'GATEWAY_TRUSTED_DOCUMENTS_FILES',
          `${file}: every entry must be "sha256:<64 hex>": "<document>"`,
        );
      }
      const served = print(serverDocument(parse(text)));
      byHash.set(hex, served);
      texts.add(served);
    }
  }
  return { byHash, texts };
}

/** The hash a request names: GraphQL-over-HTTP `documentId`, or APQ's `extensions.persistedQuery`. */
function requestedHash(body: Record<string, unknown>): string | undefined {
  const id = body.documentId;
  if (typeof id === 'string') return /^(?:sha256:)?([0-9a-f]{64})$/.exec(id)?.[1] ?? id;
  let ext = body.extensions;
  if (typeof ext === 'string') {
    try {
      ext = JSON.parse(ext) as unknown;
    } catch {
      return undefined;
    }
  }
  const pq = (ext as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
}

function withoutPersistedQuery(ext: unknown): unknown {
  let parsed = ext;
  try {
    if (typeof ext === 'string') parsed = JSON.parse(ext) as unknown;
  } catch {
    return ext; // Apollo Server answers malformed extensions itself
  }
  if (!parsed || typeof parsed !== 'object') return parsed;
  const rest = { ...(parsed as Record<string, unknown>) };
  delete rest.persistedQuery;
  return typeof ext === 'string' ? JSON.stringify(rest) : rest;
}

function refuse(res: Response, code: string, message: string): void {
  rejectedRequests.inc({ reason: 'untrusted_document' });
  trustedDocumentResults.inc({ result: 'refused' });
  res.status(400).json({ errors: [{ message, extensions: { code } }] });
}

const normalised = (text: string): string | undefined => {
  try {
    return print(parse(text));
  } catch {
    // not parseable: Apollo Server reports it; in `only` mode it is refused as not listed
    return undefined;
  }
};

/**
 * Express middleware between the body parser and Apollo: turns a manifest hash into its
 * document, and in `only` mode refuses, before any parsing or planning, every operation the
 * manifest does not hold.
 */
export function trustedDocuments(settings: TrustedSettings, manifest: Manifest | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!manifest) return next();
    // GET carries the parameters in the URL (Apollo reads them from req.url), POST in the body
    const get = req.method === 'GET';
    const url = get ? new URL(req.url, 'http://gateway') : undefined;
    const params = (url ? Object.fromEntries(url.searchParams) : req.body) as
      Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object' || Array.isArray(params)) return next();
    const hash = requestedHash(params);
    if (hash !== undefined) {
      const doc = manifest.byHash.get(hash);
      if (doc !== undefined) {
        params.query = doc;
        trustedDocumentResults.inc({ result: 'by_hash' });
        delete params.documentId;
        if (params.extensions !== undefined) params.extensions = withoutPersistedQuery(params.extensions);
        if (url) {
          url.search = new URLSearchParams(params as Record<string, string>).toString();
          req.url = `${url.pathname}${url.search}`;
        }
        return next();
      }
      if (settings.mode === 'only') {
        return refuse(
          res,
          'PERSISTED_QUERY_NOT_IN_LIST',
          `Document ${hash.slice(0, 64)} is not one of this gateway's trusted documents ` +
            "(GATEWAY_TRUSTED_DOCUMENTS=only): send the hash of an operation from your app's manifest",
        );
      }
      if (typeof params.documentId === 'string') {
        return refuse(
          res,
          'PERSISTED_QUERY_NOT_FOUND',
          `Document ${hash.slice(0, 64)} is not known to this gateway`,
        );
      }
      // an APQ hash outside the manifest: Apollo Server's own APQ cache handles it
      return next();
    }
    if (settings.mode === 'off') return next();
    const query = params.query;
    const trusted = typeof query === 'string' && manifest.texts.has(normalised(query) ?? '');
    if (trusted || settings.mode === 'allow') {
      trustedDocumentResults.inc({ result: trusted ? 'listed' : 'unlisted' });
      return next();
    }
    return refuse(
      res,
      'QUERY_NOT_IN_SAFELIST',
      "This gateway only runs its apps' own operations (GATEWAY_TRUSTED_DOCUMENTS=only); " +
        'this one is not in its manifest. Send an operation from client/operations, or its hash',
    );
  };
}
