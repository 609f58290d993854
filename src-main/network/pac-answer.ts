// The answer of a PAC file or of Electron's `session.resolveProxy`: a `;`-separated list such
// as `PROXY proxy:3128; DIRECT`, tried in order. We take the first entry we can use: an HTTP
// proxy (`PROXY`, or `HTTPS` for one reached over TLS) or `DIRECT`; SOCKS entries are skipped.

export type PacChoice = { kind: 'direct' } | { kind: 'proxy'; url: string };

export function parsePacAnswer(answer: string): PacChoice[] {
  const choices: PacChoice[] = [];
  for (const part of answer.split(';')) {
    const [keyword, hostPort, ...rest] = part.trim().split(/\s+/);
    if (keyword === undefined || keyword === '' || rest.length > 0) continue;
    const word = keyword.toUpperCase();
    if (word === 'DIRECT' && hostPort === undefined) choices.push({ kind: 'direct' });
    else if ((word === 'PROXY' || word === 'HTTPS') && hostPort && validHostPort(hostPort)) {
      choices.push({ kind: 'proxy', url: `${word === 'HTTPS' ? 'https' : 'http'}://${hostPort}` });
    }
  }
  return choices;
}

function validHostPort(hostPort: string): boolean {
  if (!/^[^\s/@?#\\]+$/.test(hostPort)) return false;
  try {
    return new URL(`http://${hostPort}`).hostname !== '';
  } catch {
    return false;
  }
}

/** The first usable choice; an answer with none (empty, or SOCKS only) means direct. */
export function choosePacRoute(answer: string): PacChoice {
  return parsePacAnswer(answer)[0] ?? { kind: 'direct' };
}
