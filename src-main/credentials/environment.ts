// The environment variables the official Peridio CLI reads, honoured the same way so build
// machines can run without a keychain or a settings file.

export interface EnvironmentOverrides {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  caPath: string | undefined;
  profile: string | undefined;
}

/** An empty variable counts as unset, as `PERIDIO_API_KEY= cmd` means "no key" to people. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

export function readEnvironmentOverrides(
  env: NodeJS.ProcessEnv = process.env,
): EnvironmentOverrides {
  return {
    apiKey: value(env, 'PERIDIO_API_KEY'),
    baseUrl: value(env, 'PERIDIO_BASE_URL'),
    caPath: value(env, 'PERIDIO_CA_PATH'),
    profile: value(env, 'PERIDIO_PROFILE'),
  };
}
