#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run build` and `npm run bench`.
// It installs what is missing (pnpm, pinned, through npx; no corepack), builds with `tsc -b`, then runs
// the server, the test suite (tap, then a coverage threshold) or a benchmark. Needs only Node 20 and npm.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@10.34.9';
/** Line coverage below this fails `npm test` (tap's own gate is 100 %, which we do not use). */
const COVERAGE_LINES_MIN = 80;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(status, what) {
  if (status !== 0) {
    console.error(`hajime: ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  console.error(`hajime: installing dependencies with ${PNPM} ...`);
  const frozen = existsSync(lock) && process.env.CI ? ['--frozen-lockfile'] : [];
  must(run('npx', ['-y', PNPM, 'install', ...frozen]), 'dependency install');
}

function build() {
  must(run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']), 'build (tsc -b)');
}

/**
 * The browser test drives Debian's chromium (never a browser download). Installs it when it is missing
 * and this process may (root with apt-get); otherwise that one test reports itself skipped.
 */
function ensureChromium() {
  if (existsSync('/usr/bin/chromium') || process.env.HAJIME_CHROMIUM !== undefined) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !existsSync('/usr/bin/apt-get')) {
    console.error('hajime: /usr/bin/chromium is missing and cannot be installed here (apt-get as root): the browser test will be skipped');
    return;
  }
  console.error("hajime: installing Debian's chromium for the browser test ...");
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet) === 0) return;
  run('apt-get', ['update'], quiet);
  if (run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet) !== 0) console.error('hajime: could not install chromium: the browser test will be skipped');
}

function checkCoverage() {
  const file = join(root, '.tap', 'report', 'coverage-summary.json');
  if (!existsSync(file)) {
    console.error('hajime: no coverage summary was written');
    return 1;
  }
  const total = JSON.parse(readFileSync(file, 'utf8')).total;
  const pct = total.lines.pct;
  console.log(`coverage: lines ${pct}% (minimum ${COVERAGE_LINES_MIN}%), branches ${total.branches.pct}%, functions ${total.functions.pct}%`);
  return pct >= COVERAGE_LINES_MIN ? 0 : 1;
}

const [command = 'test', ...rest] = process.argv.slice(2);
ensureInstalled();
switch (command) {
  case 'install':
    break;
  case 'build':
    build();
    break;
  case 'start':
    build();
    process.exit(run(process.execPath, ['--enable-source-maps', join(root, 'apps', 'server', 'dist', 'src', 'main.js'), ...rest]));
    break;
  case 'test': {
    build();
    ensureChromium();
    const tap = join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
    const child = spawn(process.execPath, [tap, ...rest], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4096);
    });
    const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    // tap closes with `# { total: N, pass: N, fail: N, skip: N }`; restate it as a plain summary line.
    const last = tail.split('\n').filter((l) => l.startsWith('# { total')).pop() ?? '';
    const count = (k) => Number(new RegExp(`${k}: (\\d+)`).exec(last)?.[1] ?? 0);
    if (last !== '') console.log(`tests: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
    if (status !== 0) process.exit(status);
    if (rest.length === 0) process.exit(checkCoverage());
    break;
  }
  case 'bench':
    build();
    process.exit(run(process.execPath, ['--expose-gc', '--enable-source-maps', join(root, 'benchmarks', 'dist', 'run.js'), ...rest]));
    break;
  default:
    console.error(`usage: node scripts/run.mjs start|test|build|bench|install [args]`);
    process.exit(2);
}
