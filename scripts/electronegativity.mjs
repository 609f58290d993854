#!/usr/bin/env node
// The desktop app's security scan: @doyensec/electronegativity over the main process, the
// preload and the renderer, offline, in one pass (its global checks, e.g. "is navigation
// limited anywhere", need to see every file at once). Exit 1 when:
//   - any finding is HIGH, whatever a comment says;
//   - any other finding has no explanation where it is raised, in electronegativity's own
//     per-line form followed by a colon and the reason:
//       preload: preloadPath, // eng-disable PRELOAD_JS_CHECK: the preload exposes only ...
//     (a finding in built output cannot carry one: fix it at its source);
//   - an `eng-disable` has no reason after a colon, or a file could not be parsed.
//
// What is scanned, and why: the main process and the preload as TypeScript sources, because
// the scanner's JavaScript reader cannot walk class private fields (`#x`, in tsc's output)
// and skips such files, while its TypeScript reader handles them; the sources also carry the
// explanation comments and the line numbers people edit. The built preload bundle
// (dist/preload/index.cjs, what Electron loads, zod included) and the built renderer
// (dist/renderer: index.html and the bundle; the scanner cannot read .svelte) are scanned too,
// their JavaScript read with the TypeScript reader for the same reason.
//
// Offline: the Electron version is passed in (from node_modules/electron), the check that
// downloads Electron's release list is left out (the version is pinned in package-lock.json;
// updating Electron is a reviewed change), and the scanner's download of translations is
// answered "unavailable" without touching the network.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));

/** Where to look, as project paths. `built`: a finding there must be fixed at its source. */
const INPUTS = [
  { dir: 'src-main/electron', built: false, required: true },
  { dir: 'src-preload', built: false, required: true, skip: ['vite.config.ts', 'README.md'] },
  { dir: 'dist/preload', built: true, required: true },
  { dir: 'dist/renderer', built: true, required: false },
];
const SCANNED = new Set(['.ts', '.js', '.cjs', '.mjs', '.html', '.htm']);
/** Needs the network (Electron's release list); see the top of this file. */
const LEFT_OUT = ['availablesecurityfixesglobalcheck'];
/** An explanation: eng-disable, the check ids, a colon, then at least three words. */
const EXPLAINED = /eng-disable[ \t]+([\w \t,]+?)[ \t]*:[ \t]*(\S+\s+\S+\s+\S+.*)$/;
const DISABLE = /eng-disable[ \t]+([\w \t,]+)/;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => statSync(path.join(dir, file)).isFile());
}

/**
 * Copies the inputs into one folder with the same relative paths. JavaScript is given a .ts
 * name (read by the TypeScript reader), and `eng-disable` is renamed so the scanner reports
 * every finding: whether a comment explains one is decided here, against the real file.
 */
function stage() {
  const staging = mkdtempSync(path.join(tmpdir(), 'electronegativity-'));
  const projectPathOf = new Map();
  const missing = [];
  for (const input of INPUTS) {
    const dir = path.join(root, input.dir);
    if (!existsSync(dir)) {
      missing.push(input);
      continue;
    }
    for (const file of filesUnder(dir)) {
      const ext = path.extname(file);
      if (!SCANNED.has(ext) || input.skip?.includes(file)) continue;
      const projectPath = path.posix.join(input.dir, file.split(path.sep).join('/'));
      const stagedPath = /\.(c|m)?js$/.test(file) ? `${projectPath}.ts` : projectPath;
      const text = readFileSync(path.join(dir, file), 'utf8').replaceAll(
        'eng-disable',
        'eng-explain',
      );
      mkdirSync(path.dirname(path.join(staging, stagedPath)), { recursive: true });
      writeFileSync(path.join(staging, stagedPath), text);
      projectPathOf.set(stagedPath, { projectPath, built: input.built });
    }
  }
  return { staging, projectPathOf, missing };
}

/** The scanner's translation download, answered "unavailable" at once: no network here. */
function keepScannerOffline(scannerRequire) {
  const offline = () => Promise.reject(new Error('electronegativity runs offline here'));
  offline.head = offline;
  const gotPath = scannerRequire.resolve('got');
  scannerRequire(gotPath);
  scannerRequire.cache[gotPath].exports = offline;
  // With no translations to fetch, the scanner reads its own English texts.
  process.env.LANG = 'en-US';
}

async function scan(staging) {
  const scannerPackage = require.resolve('@doyensec/electronegativity/package.json');
  const scannerRequire = createRequire(scannerPackage);
  keepScannerOffline(scannerRequire);
  const run = scannerRequire('./dist/runner.js').default ?? scannerRequire('./dist/runner.js');
  const electronVersion = JSON.parse(
    readFileSync(require.resolve('electron/package.json'), 'utf8'),
  ).version;
  // It prints one line about the translations it could not fetch; that is expected here.
  const log = console.log;
  console.log = (...args) => {
    if (!String(args[0]).startsWith('Could not retrieve updated translations')) log(...args);
  };
  try {
    const result = await run({
      input: staging,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: LEFT_OUT,
    });
    return { ...result, electronVersion };
  } finally {
    console.log = log;
  }
}

/**
 * Our CSP goes out as a response header (app-protocol.ts, dashboard-server.ts), which the
 * scanner cannot see: it is judged here with the scanner's own evaluator and rules. A weak
 * policy must be fixed; a "may be weak" one may be explained, like any other finding.
 */
async function headerCspFindings(scannerRequire) {
  const file = 'src-main/renderer-files/security-headers.ts';
  const built = path.join(root, 'dist/src-main/renderer-files/security-headers.js');
  if (!existsSync(built)) {
    throw new Error(`${path.relative(root, built)} is missing: run \`npm run build\` first.`);
  }
  const { CONTENT_SECURITY_POLICY } = await import(pathToFileURL(built).href);
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes('export const CONTENT_SECURITY_POLICY')) + 1;
  const csp = scannerRequire('@doyensec/csp-evaluator');
  const found = new csp.CspEvaluator(
    new csp.CspParser(CONTENT_SECURITY_POLICY).csp,
    csp.Version.CSP3,
  ).evaluate();
  const { HIGH, MEDIUM, HIGH_MAYBE, MEDIUM_MAYBE } = csp.severities;
  const serious = found.filter((f) => f.severity === HIGH || f.severity === MEDIUM);
  const maybe = found.filter((f) => f.severity === HIGH_MAYBE || f.severity === MEDIUM_MAYBE);
  const describe = (list) => list.map((f) => `${f.directive}: ${f.description}`).join(' ');
  const finding = { id: 'CSP_GLOBAL_CHECK', file, line, severity: 'LOW', built: false };
  if (serious.length > 0) {
    return [
      {
        ...finding,
        confidence: 'CERTAIN',
        mustFix: true,
        description: `The CSP (app:// and dashboard header) is weak. ${describe(serious)}`,
      },
    ];
  }
  if (maybe.length > 0) {
    return [
      {
        ...finding,
        confidence: 'FIRM',
        description: `The CSP (app:// and dashboard header) may be weak. ${describe(maybe)}`,
      },
    ];
  }
  return [];
}

function explanationAt(file, line, id) {
  const text = readFileSync(path.join(root, file), 'utf8').split('\n')[line - 1] ?? '';
  const names = (match) =>
    match[1]
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((n) => n.toUpperCase());
  const explained = text.match(EXPLAINED);
  if (explained && names(explained).includes(id))
    return { ok: true, why: explained[2].replace(/\s*\*\/.*$/, '') };
  const disabled = text.match(DISABLE);
  if (disabled && names(disabled).includes(id)) {
    return {
      ok: false,
      problem: `its eng-disable gives no reason: add ": <why this is safe>" after ${id}`,
    };
  }
  return {
    ok: false,
    problem: `fix it, or explain it on that line: // eng-disable ${id}: <why this is safe>`,
  };
}

async function main() {
  const started = Date.now();
  const { staging, projectPathOf, missing } = stage();
  let failures = 0;
  try {
    for (const input of missing) {
      if (input.required) {
        console.error(`✖ ${input.dir} is missing: run \`npm run build\` first, then scan again.`);
        failures++;
      } else {
        console.error(
          `! ${input.dir} is missing (not built yet): the renderer is not scanned this time.`,
        );
      }
    }
    const result = await scan(staging);
    const scannerRequire = createRequire(
      require.resolve('@doyensec/electronegativity/package.json'),
    );
    for (const error of result.errors.filter((e) => !e.tolerable)) {
      const file =
        projectPathOf.get(path.relative(staging, error.file).split(path.sep).join('/'))
          ?.projectPath ?? error.file;
      console.error(`✖ ${file} could not be scanned: ${error.message}`);
      failures++;
    }

    const findings = [];
    for (const issue of result.issues) {
      const base = {
        id: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        description: issue.description,
        line: issue.location.line,
      };
      if (issue.file === 'N/A') {
        // Only "no CSP anywhere" is answered by our header CSP, evaluated just below.
        if (issue.id === 'CSP_GLOBAL_CHECK') continue;
        findings.push({ ...base, file: '(whole app)', built: true });
        continue;
      }
      const staged = projectPathOf.get(issue.file.split(path.sep).join('/'));
      findings.push({
        ...base,
        file: staged?.projectPath ?? issue.file,
        built: staged?.built ?? true,
      });
    }
    findings.push(...(await headerCspFindings(scannerRequire)));

    for (const finding of findings) {
      const where = finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file;
      const head = `${finding.id} ${where} [${finding.severity}, ${finding.confidence}]`;
      let verdict;
      if (finding.severity === 'HIGH') {
        verdict = {
          ok: false,
          problem: 'HIGH severity: fix it (a comment does not answer a HIGH finding)',
        };
      } else if (finding.mustFix) {
        verdict = { ok: false, problem: 'a weak CSP is fixed, not explained' };
      } else if (finding.built || finding.line <= 0) {
        verdict = {
          ok: false,
          problem: 'found in built output or the whole app: fix it at its source',
        };
      } else {
        verdict = explanationAt(finding.file, finding.line, finding.id);
      }
      if (verdict.ok) {
        console.log(
          `  explained  ${head}\n             ${finding.description}\n             why: ${verdict.why}`,
        );
      } else {
        failures++;
        console.error(`✖ ${head}\n    ${finding.description}\n    ${verdict.problem}`);
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `electronegativity (Electron ${result.electronVersion}, ${result.globalChecks + result.atomicChecks} checks, ${projectPathOf.size} files, ${seconds} s): ${findings.length} finding(s), ${failures} problem(s)`;
    if (failures > 0) {
      console.error(`\n${summary}.`);
      process.exitCode = 1;
    } else {
      console.log(`\n${summary}: every finding is explained where it is raised.`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(
    `✖ The security scan could not run: ${error instanceof Error ? error.message : error}`,
  );
  process.exitCode = 1;
}
