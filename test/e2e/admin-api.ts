// Seeding and checking through the Peridio Admin API of the local server, the way another
// client of the same organization would: what the test arranges before the UI looks, and what
// it checks afterwards (a release disabled, a binary's state and hash on the server).
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';

// Response bodies are checked field by field by the specs, so they are read loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface AdminResponse {
  status: number;
  body: Json;
  requestId: string | null;
}

const POLL_MS = 50;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A signing key made here and registered on the server (not one in the app's keychain). */
export interface SeedSigningKey {
  prn: string;
  keyid: string;
  name: string;
  signHash(hash: string): string;
}

export class AdminApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request(method: string, pathname: string, body?: unknown): Promise<AdminResponse> {
    const response = await fetch(`${this.baseUrl}${pathname}`, {
      method,
      headers: {
        authorization: `Token ${this.apiKey}`,
        'x-api-version': '2',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (an S3-style XML error from a presigned URL): kept as text.
    }
    return {
      status: response.status,
      body: parsed,
      requestId: response.headers.get('peridio-request-id'),
    };
  }

  /** One request that must answer `status`; its body otherwise explains the failure. */
  async expect(status: number, method: string, pathname: string, body?: unknown): Promise<Json> {
    const response = await this.request(method, pathname, body);
    if (response.status !== status) {
      throw new Error(
        `${method} ${pathname} answered ${response.status}, not ${status}: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  async createArtifact(name: string): Promise<Json> {
    return (await this.expect(201, 'POST', '/artifacts', { name })).artifact;
  }

  async createVersion(artifactPrn: string, version: string): Promise<Json> {
    const body = await this.expect(201, 'POST', '/artifact_versions', {
      artifact_prn: artifactPrn,
      version,
    });
    return body.artifact_version;
  }

  async getBinary(prn: string): Promise<Json> {
    return (await this.expect(200, 'GET', `/binaries/${prn}`)).binary;
  }

  async setBinaryState(prn: string, state: string): Promise<Json> {
    return (await this.expect(200, 'PATCH', `/binaries/${prn}`, { state })).binary;
  }

  async listAll(pathname: string, key: string): Promise<Json[]> {
    const items: Json[] = [];
    let page: string | null = null;
    do {
      const separator = pathname.includes('?') ? '&' : '?';
      const query = `${separator}limit=100${page ? `&page=${encodeURIComponent(page)}` : ''}`;
      const body = await this.expect(200, 'GET', `${pathname}${query}`);
      items.push(...body[key]);
      page = body.next_page;
    } while (page);
    return items;
  }

  async binariesOf(versionPrn: string): Promise<Json[]> {
    const search = encodeURIComponent(`artifact_version_prn:'${versionPrn}'`);
    return this.listAll(`/binaries?search=${search}`, 'binaries');
  }

  /** A binary record without content: `uploadable`, waiting for parts. */
  async createBinary(versionPrn: string, target: string, content: Buffer): Promise<Json> {
    const body = await this.expect(201, 'POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target,
      hash: sha256Hex(content),
      size: content.length,
    });
    return body.binary;
  }

  /** Uploads `content` as one part (it is small) and marks the upload complete: `hashable`. */
  async uploadContent(binary: { prn: string; size: number }, content: Buffer): Promise<Json> {
    const part = await this.expect(201, 'PUT', `/binaries/${binary.prn}/parts/1`, {
      expected_binary_size: binary.size,
      hash: sha256Hex(content),
      size: content.length,
    });
    const put = await fetch(part.binary_part.presigned_upload_url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-amz-checksum-sha256': createHash('sha256').update(content).digest('base64'),
      },
      body: content,
    });
    if (put.status !== 200 && put.status !== 201) {
      throw new Error(`the part upload answered ${put.status}: ${await put.text()}`);
    }
    return this.setBinaryState(binary.prn, 'hashable');
  }

  /** Asks the server to hash the content and waits until it says `signable`. */
  async hashToSignable(prn: string, timeoutMs = 20_000): Promise<Json> {
    await this.setBinaryState(prn, 'hashing');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const binary = await this.getBinary(prn);
      if (binary.state === 'signable') return binary;
      if (binary.state !== 'hashing') throw new Error(`hashing ended in ${binary.state}`);
      if (Date.now() > deadline) throw new Error(`${prn} still hashing after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async createSigningKey(name: string): Promise<SeedSigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const body = await this.expect(201, 'POST', '/signing_keys', {
      name,
      value: raw.toString('base64'),
    });
    return {
      prn: body.signing_key.prn,
      keyid: body.signing_key.keyid,
      name,
      signHash: (hash) => sign(null, Buffer.from(hash, 'ascii'), privateKey).toString('hex'),
    };
  }

  /** A binary all the way to `signed` (content, hash check, one signature). */
  async seedSignedBinary(
    versionPrn: string,
    target: string,
    key: SeedSigningKey,
    content: Buffer = randomBytes(4096),
  ): Promise<Json> {
    const binary = await this.createBinary(versionPrn, target, content);
    await this.uploadContent(binary, content);
    await this.hashToSignable(binary.prn);
    await this.expect(201, 'POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: key.prn,
      signature: key.signHash(binary.hash),
    });
    return this.getBinary(binary.prn);
  }

  /**
   * `count` binaries without content, `concurrency` creates in flight at a time, targets
   * `<prefix>-0000` … so that each is distinct and they sort in creation order.
   */
  async seedManyBinaries(
    versionPrn: string,
    count: number,
    prefix: string,
    concurrency = 16,
  ): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < count; index = next++) {
        await this.expect(201, 'POST', '/binaries', {
          artifact_version_prn: versionPrn,
          target: `${prefix}-${String(index).padStart(4, '0')}`,
          hash: sha256Hex(`${prefix}-${index}`),
          size: 1024 + index,
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** A product and a cohort, the home of releases. */
  async createCohort(name: string): Promise<Json> {
    const product = (await this.expect(201, 'POST', '/products', { name: `${name}-product` }))
      .product;
    return (await this.expect(201, 'POST', '/cohorts', { name, product_prn: product.prn })).cohort;
  }

  async createBundle(binaryPrns: string[], name: string): Promise<Json> {
    const body = await this.expect(201, 'POST', '/bundles', {
      id: randomUUID(),
      name,
      binaries: binaryPrns.map((prn) => ({ prn, custom_metadata: null })),
    });
    return body.bundle;
  }

  async createRelease(options: {
    name: string;
    bundlePrn: string;
    cohortPrn: string;
    required: boolean;
  }): Promise<Json> {
    const body = await this.expect(201, 'POST', '/releases', {
      name: options.name,
      bundle_prn: options.bundlePrn,
      cohort_prn: options.cohortPrn,
      required: options.required,
    });
    return body.release;
  }

  async getRelease(prn: string): Promise<Json> {
    return (await this.expect(200, 'GET', `/releases/${prn}`)).release;
  }
}
