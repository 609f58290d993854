// The local server's answers against Peridio's published OpenAPI file, read from
// ../shared/reference (present in CI beside the clone; never copied into the project).
// Where the contract page and the OpenAPI file disagree the contract page wins; each such
// place is listed in DEVIATIONS with the reason.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  REPO_ROOT,
  TEST_VECTOR,
  content,
  createPart,
  putBytes,
  sha256Hex,
  signHash,
  startTestServer,
  waitFor,
  type ApiResponse,
  type TestServer,
} from '../local-peridio/helpers.js';

const SPEC_PATH = path.resolve(REPO_ROOT, '../shared/reference/peridio-admin-openapi.yaml');
const present = existsSync(SPEC_PATH);
if (!present) {
  console.log(
    `OpenAPI conformance skipped: ${SPEC_PATH} is not here (CI has it beside the clone).`,
  );
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

/** Places where the contract page knowingly differs from the OpenAPI file. */
const DEVIATIONS: { schemaPath: RegExp; instancePath: RegExp; why: string }[] = [
  {
    schemaPath: /binary-part-size\/minimum$/,
    instancePath: /^\/binary_parts?(\/\d+)?\/size$/,
    why: 'the last part of a binary may be smaller than 5 MiB (contract page, "Binary parts")',
  },
  {
    schemaPath: /next-page\/type$/,
    instancePath: /^\/next_page$/,
    why: 'the last page answers next_page: null (contract page, "Envelopes, lists, errors")',
  },
];

/** Fields an SDK deserializer needs on each resource (every property the schema lists, plus revision). */
const REQUIRED_FIELDS: Record<string, string[]> = {
  binary: [
    'prn',
    'organization_prn',
    'inserted_at',
    'updated_at',
    'artifact_version_prn',
    'target',
    'hash',
    'size',
    'state',
    'revision',
    'signatures',
    'description',
    'custom_metadata',
  ],
  binary_part: [
    'prn',
    'organization_prn',
    'binary_prn',
    'index',
    'hash',
    'size',
    'state',
    'inserted_at',
    'updated_at',
  ],
  binary_signature: [
    'prn',
    'organization_prn',
    'binary_prn',
    'signing_key_prn',
    'signature',
    'inserted_at',
    'updated_at',
  ],
  signing_key: ['prn', 'organization_prn', 'name', 'value', 'inserted_at', 'updated_at'],
  artifact: [
    'prn',
    'organization_prn',
    'name',
    'description',
    'custom_metadata',
    'inserted_at',
    'updated_at',
  ],
  artifact_version: [
    'prn',
    'organization_prn',
    'artifact_prn',
    'version',
    'description',
    'custom_metadata',
    'inserted_at',
    'updated_at',
  ],
};

interface Exchange {
  method: string;
  path: string;
  response: ApiResponse;
}

describe.skipIf(!present)('local server answers validate against the OpenAPI file', () => {
  let ts: TestServer;
  const exchanges: Exchange[] = [];
  let ajv: Ajv2020;
  let spec: { paths: Record<string, Record<string, unknown>> };

  async function call(method: string, pathname: string, body?: unknown): Promise<ApiResponse> {
    const response = await ts.api(method, pathname, body);
    exchanges.push({ method, path: pathname, response });
    return response;
  }

  beforeAll(async () => {
    // YAML 1.1: the file writes big limits with digit separators (53_687_091_200_000).
    spec = parse(readFileSync(SPEC_PATH, 'utf8'), { version: '1.1' });
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(spec as object, 'openapi');
    ts = await startTestServer();

    // One pass over the binary-management endpoints, recording every answer.
    const artifact = await call('POST', '/artifacts', { name: 'conformance' });
    await call('GET', `/artifacts/${artifact.body.artifact.prn}`);
    await call('PATCH', `/artifacts/${artifact.body.artifact.prn}`, { description: 'checked' });
    await call('GET', '/artifacts?limit=1');
    const version = await call('POST', '/artifact_versions', {
      artifact_prn: artifact.body.artifact.prn,
      version: '1.0.0',
    });
    const versionPrn = version.body.artifact_version.prn;
    await call('GET', `/artifact_versions/${versionPrn}`);
    await call('PATCH', `/artifact_versions/${versionPrn}`, { description: 'first' });
    await call('GET', '/artifact_versions');
    const key = await call('POST', '/signing_keys', { name: 'vector', value: TEST_VECTOR.value });
    await call('GET', `/signing_keys/${key.body.signing_key.prn}`);
    await call('GET', '/signing_keys');

    const data = content(5 * 1024 * 1024 + 100, 3);
    const created = await call('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      hash: sha256Hex(data),
      size: data.length,
      description: 'conformance binary',
      custom_metadata: { build: 42 },
    });
    const binary = created.body.binary;
    for (const [index, bytes] of [
      data.subarray(0, 5 * 1024 * 1024),
      data.subarray(5 * 1024 * 1024),
    ].entries()) {
      const part = await createPart(ts.api, binary, index + 1, bytes);
      exchanges.push({
        method: 'PUT',
        path: `/binaries/${binary.prn}/parts/${index + 1}`,
        response: { status: 201, body: { binary_part: part }, headers: new Headers() },
      });
      expect((await putBytes(part.presigned_upload_url, bytes)).status).toBe(200);
    }
    await call('GET', `/binaries/${binary.prn}/parts`);
    await call('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    await call('PATCH', `/binaries/${binary.prn}`, { state: 'hashing' });
    await waitFor(
      'signable',
      () => ts.api('GET', `/binaries/${binary.prn}`),
      (r) => r.body.binary.state === 'signable',
    );
    await call('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: key.body.signing_key.prn,
      signature: signHash(binary.hash),
    });
    await call('GET', `/binaries/${binary.prn}`);
    await call(
      'GET',
      `/binaries?search=${encodeURIComponent(`artifact_version_prn:'${versionPrn}'`)}`,
    );
    await call('PATCH', `/binaries/${binary.prn}`, { state: 'destroyed' });
    await call('GET', '/users/me');
  });

  afterAll(async () => {
    await ts?.stop();
  });

  function templateFor(pathname: string): string | undefined {
    const bare = pathname.split('?')[0]!;
    return Object.keys(spec.paths).find((template) => {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return pattern.test(bare);
    });
  }

  function validatorFor(exchange: Exchange): ValidateFunction {
    const template = templateFor(exchange.path);
    if (!template) throw new Error(`no OpenAPI path for ${exchange.path}`);
    const pointer = [
      'paths',
      template,
      exchange.method.toLowerCase(),
      'responses',
      String(exchange.response.status),
      'content',
      'application/json',
      'schema',
    ]
      .map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    return ajv.getSchema(`openapi#/${pointer}`) ?? ajv.compile({ $ref: `openapi#/${pointer}` });
  }

  function unexplained(errors: ErrorObject[] | null | undefined): ErrorObject[] {
    return (errors ?? []).filter(
      (e) =>
        !DEVIATIONS.some(
          (d) => d.schemaPath.test(e.schemaPath) && d.instancePath.test(e.instancePath),
        ),
    );
  }

  it('exercised the binary-management endpoints', () => {
    const templates = new Set(exchanges.map((e) => `${e.method} ${templateFor(e.path)}`));
    for (const expected of [
      'POST /binaries',
      'GET /binaries',
      'GET /binaries/{binary_prn}',
      'PATCH /binaries/{binary_prn}',
      'PUT /binaries/{binary_prn}/parts/{index}',
      'GET /binaries/{binary_prn}/parts',
      'POST /binary_signatures',
      'POST /signing_keys',
      'GET /signing_keys',
      'POST /artifacts',
      'POST /artifact_versions',
    ]) {
      expect(templates).toContain(expected);
    }
  });

  it('every recorded answer validates against its OpenAPI response schema', () => {
    const failures: string[] = [];
    for (const exchange of exchanges) {
      const validate = validatorFor(exchange);
      validate(exchange.response.body);
      for (const e of unexplained(validate.errors)) {
        failures.push(
          `${exchange.method} ${exchange.path} ${exchange.response.status}: ${e.instancePath} ${e.message}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('carries every field an SDK needs, revision included', () => {
    const missing: string[] = [];
    for (const { method, path: p, response } of exchanges) {
      for (const [key, fields] of Object.entries(REQUIRED_FIELDS)) {
        const plural = key === 'binary' ? 'binaries' : `${key}s`;
        const items = [response.body?.[key], ...(response.body?.[plural] ?? [])].filter(Boolean);
        for (const item of items) {
          for (const field of fields) {
            if (!(field in item)) missing.push(`${method} ${p}: ${key}.${field}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    const binaries = exchanges.flatMap((e) => [
      e.response.body?.binary,
      ...(e.response.body?.binaries ?? []),
    ]);
    expect(binaries.filter(Boolean).every((b) => Number.isInteger(b.revision))).toBe(true);
  });

  it('would catch a wrong answer (the validator is not vacuous)', () => {
    const exchange = exchanges.find(
      (e) => e.method === 'GET' && /^\/binaries\/prn[^/]*$/.test(e.path),
    )!;
    const validate = validatorFor(exchange);
    const wrong = structuredClone(exchange.response.body);
    wrong.binary.state = 'uploaded';
    wrong.binary.size = -1;
    expect(validate(wrong)).toBe(false);
    expect(unexplained(validate.errors).map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/binary/state', '/binary/size']),
    );
  });
});
