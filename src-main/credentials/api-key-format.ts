// A quick shape check of an Admin API key before it is stored or sent: it travels in an
// HTTP header, so whitespace or control characters would break (or smuggle into) requests.

const API_KEY = /^[\x21-\x7e]{1,4096}$/;

/** Why this cannot be an API key, or undefined when it can. Never quotes the key. */
export function apiKeyProblem(apiKey: string): string | undefined {
  if (apiKey === '') return 'the API key is empty';
  if (!API_KEY.test(apiKey)) {
    return 'an API key is printable ASCII without spaces (at most 4096 characters); check that it was pasted whole';
  }
  return undefined;
}
