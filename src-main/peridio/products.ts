// Products: what devices are grouped under; cohorts belong to one.
import type { CallOptions } from './api-requester.js';
import { checkBoolean, checkText } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { Product } from './types.js';

export interface CreateProductInput {
  name: string;
  archived?: boolean;
}

export interface UpdateProductInput {
  name?: string;
  archived?: boolean;
}

function checkArchived(value: unknown): void {
  if (value !== undefined) checkBoolean(value, 'archived');
}

export class ProductsApi extends ReadableResources<Product> {
  async create(input: CreateProductInput, options?: CallOptions): Promise<Product> {
    checkText(input.name, 'name', 1, 128);
    checkArchived(input.archived);
    return this.endpoint.create({ ...input }, options);
  }

  async update(prn: string, changes: UpdateProductInput, options?: CallOptions): Promise<Product> {
    if (changes.name !== undefined) checkText(changes.name, 'name', 1, 128);
    checkArchived(changes.archived);
    return this.endpoint.update(prn, { ...changes }, options);
  }
}
