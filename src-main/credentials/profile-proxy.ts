// A profile's proxy as the engine uses it: the URL with the password from the keychain filled
// in, kept in a private field and shown (JSON, console, template strings) with `***` instead,
// so logging a connection can never leak it.
import { inspect } from 'node:util';
import { shownProxyUrl } from '../../src-preload/contract.js';

/** What a profile proxy shows of itself. */
export interface ProfileProxySummary {
  /** `http://user:***@proxy:3128` when a password is filled in. */
  url: string;
  profileName: string;
}

export class ProfileProxy {
  readonly profileName: string;
  /** The URL as people and logs may see it: `http://user:***@proxy:3128`. */
  readonly shownUrl: string;
  readonly #url: string;

  constructor(init: { profileName: string; url: string }) {
    this.profileName = init.profileName;
    this.#url = init.url;
    this.shownUrl = shownProxyUrl(init.url);
  }

  /** With the password, percent-escaped as a URL needs it: for the proxy agent only. */
  get url(): string {
    return this.#url;
  }

  toJSON(): ProfileProxySummary {
    return { url: this.shownUrl, profileName: this.profileName };
  }

  toString(): string {
    return this.shownUrl;
  }

  [inspect.custom](): string {
    return `ProfileProxy ${inspect(this.toJSON())}`;
  }
}
