// The shape every resource family shares: envelopes (`{"binary": {...}}`, `{"binaries": [...],
// "next_page": ...}`), PRN-addressed items, paging, and creates that are safe to retry.
import { randomUUID } from 'node:crypto';
import type { ApiRequester, CallOptions, HttpMethod } from './api-requester.js';
import { PeridioError, isPeridioError } from './errors.js';
import { checkPrn, checkUuid, listQueryParameters, type ListOptions } from './input-checks.js';
import { paginate, type Page } from './paginate.js';
import { parsePrn, resourcePrn, type PrnType } from '../../src-preload/prn.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function envelopeError(method: HttpMethod, path: string, what: string): PeridioError {
  return new PeridioError({
    code: 'bad_response',
    message:
      `${method} ${path} answered without ${what}. ` +
      'Check that the base URL in use points at the Peridio Admin API.',
    method,
    path,
  });
}

/** Sends a request whose answer is one resource under `key`. */
export async function requestOne<T>(
  api: ApiRequester,
  method: HttpMethod,
  path: string,
  key: string,
  options: CallOptions & { body?: unknown; idempotent?: boolean } = {},
): Promise<T> {
  const answer = await api.request<unknown>(method, path, options);
  const item = isObject(answer) ? answer[key] : undefined;
  if (!isObject(item)) throw envelopeError(method, path, `a "${key}" object`);
  return item as T;
}

/** Fetches one page of a list endpoint whose items are under `key`. */
export async function requestPage<T>(
  api: ApiRequester,
  path: string,
  key: string,
  query: ListOptions,
  options: CallOptions = {},
): Promise<Page<T>> {
  const answer = await api.request<unknown>('GET', path, {
    ...options,
    query: listQueryParameters(query),
  });
  const items = isObject(answer) ? answer[key] : undefined;
  if (!isObject(answer) || !Array.isArray(items))
    throw envelopeError('GET', path, `a "${key}" list`);
  const next = answer.next_page;
  // Some list endpoints (binary parts) document no `next_page`: absent means the last page.
  return { items: items as T[], nextPage: typeof next === 'string' && next !== '' ? next : null };
}

/** `listAll` pages of 100 unless asked otherwise: fewer round trips for the same items. */
export function pageAll<T>(
  fetch: (query: ListOptions) => Promise<Page<T>>,
  query: ListOptions,
): AsyncGenerator<T, void, undefined> {
  const { page, ...rest } = query;
  const base = { limit: 100, ...rest };
  listQueryParameters(base); // refused now, not at the first iteration
  return paginate((cursor) => fetch(cursor === undefined ? base : { ...base, page: cursor }), page);
}

/** The organization UUID of the first PRN found in a create body, if any. */
function organizationIdIn(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const parsed = parsePrn(value);
    return parsed.ok ? parsed.prn.organizationId : undefined;
  }
  const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  for (const child of children) {
    const found = organizationIdIn(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

export interface EndpointSpec {
  /** Collection path, e.g. `/binaries`. */
  path: string;
  /** Envelope key of one resource, e.g. `binary`. */
  singular: string;
  /** Envelope key of a list, e.g. `binaries`. */
  plural: string;
  type: PrnType;
}

export class ResourceEndpoint<T> {
  constructor(
    private readonly api: ApiRequester,
    readonly spec: EndpointSpec,
    private readonly organizationId: (options: CallOptions) => Promise<string>,
  ) {}

  /** The item path; the PRN goes in raw, colons unescaped. */
  itemPath(prn: string): string {
    return `${this.spec.path}/${checkPrn(prn, this.spec.type, `${this.spec.singular} PRN`)}`;
  }

  /** A create the API cannot deduplicate: resent only when the server surely did not act. */
  async create(body: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    return requestOne<T>(this.api, 'POST', this.spec.path, this.spec.singular, {
      ...options,
      body,
    });
  }

  /**
   * A create carrying an `id` (the caller's or a fresh UUID) that becomes the PRN's last part,
   * so resending it cannot make a second resource. When a resent create is refused (the first
   * try did create it, so the id or another unique field is now taken), the resource is looked
   * up by its PRN and answered; if it is not there, the refusal stands.
   */
  async createWithId(body: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    const id = body.id === undefined ? randomUUID() : checkUuid(body.id, 'id');
    const sent = { ...body, id };
    try {
      return await requestOne<T>(this.api, 'POST', this.spec.path, this.spec.singular, {
        ...options,
        body: sent,
        idempotent: true,
      });
    } catch (error) {
      if (!isPeridioError(error, 'validation') || error.attempts < 2) throw error;
      const organizationId = organizationIdIn(sent) ?? (await this.organizationId(options));
      try {
        return await this.get(resourcePrn(organizationId, this.spec.type, id), options);
      } catch (lookup) {
        throw isPeridioError(lookup, 'not_found') ? error : lookup;
      }
    }
  }

  async get(prn: string, options: CallOptions = {}): Promise<T> {
    return requestOne<T>(this.api, 'GET', this.itemPath(prn), this.spec.singular, options);
  }

  async list(query: ListOptions = {}, options: CallOptions = {}): Promise<Page<T>> {
    return requestPage<T>(this.api, this.spec.path, this.spec.plural, query, options);
  }

  listAll(query: ListOptions = {}, options: CallOptions = {}): AsyncGenerator<T, void, undefined> {
    return pageAll((pageQuery) => this.list(pageQuery, options), query);
  }

  async update(
    prn: string,
    changes: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    return requestOne<T>(this.api, 'PATCH', this.itemPath(prn), this.spec.singular, {
      ...options,
      body: changes,
    });
  }

  async delete(prn: string, options: CallOptions = {}): Promise<void> {
    await this.api.request<unknown>('DELETE', this.itemPath(prn), options);
  }
}

/** get/list/listAll, shared by every family that has them. */
export abstract class ReadableResources<T> {
  constructor(protected readonly endpoint: ResourceEndpoint<T>) {}

  async get(prn: string, options?: CallOptions): Promise<T> {
    return this.endpoint.get(prn, options);
  }

  /** One page; pass the answer's `nextPage` as `page` for the next one. */
  async list(query?: ListOptions, options?: CallOptions): Promise<Page<T>> {
    return this.endpoint.list(query, options);
  }

  /** Every item of every page. */
  listAll(query?: ListOptions, options?: CallOptions): AsyncGenerator<T, void, undefined> {
    return this.endpoint.listAll(query, options);
  }
}
