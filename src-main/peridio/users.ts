// `GET /users/me`: who the API key belongs to, and so which organization it works in.
import type { ApiRequester, CallOptions } from './api-requester.js';
import { requestOne } from './resource-endpoint.js';
import type { UserMe } from './types.js';

export class UsersApi {
  constructor(private readonly api: ApiRequester) {}

  /** The key's user; a quick way to check a profile's base URL and key. */
  async me(options?: CallOptions): Promise<UserMe> {
    return requestOne<UserMe>(this.api, 'GET', '/users/me', 'data', options);
  }
}
