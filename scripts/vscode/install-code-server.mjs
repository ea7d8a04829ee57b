// Installs code-server 4.100.3 (VS Code 1.100.3: server + web workbench) into a
// cache folder, never as a project dependency, following ../shared/recipes/vscode-e2e.md: this machine
// reaches only npm and Debian, so code-server's own postinstall (which downloads ripgrep from GitHub)
// is skipped and its steps are done here. Idempotent: returns at once when the right version is there.
//
//   node scripts/vscode/install-code-server.mjs [--dir .cache/code-server]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, symlinkSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DIR = join(ROOT, '.cache', 'code-server');
const APT_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'ripgrep', 'chromium'];

const log = (m) => process.stderr.write(`[code-server] ${m}\n`);

function run(cmd, args, cwd, extraEnv = {}) {
  log(`${cwd ? `(${cwd}) ` : ''}${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_yes: 'true', ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function codeServerBin(dir = DEFAULT_DIR) {
  return join(dir, 'node_modules', '.bin', 'code-server');
}

/** The installed code-server's version line, or undefined. */
function installedVersion(dir) {
  const bin = codeServerBin(dir);
  if (!existsSync(bin)) return undefined;
  try {
    // code-server writes a default config file on every start unless told where config lives
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') } });
    return out.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l))?.trim();
  } catch {
    return undefined;
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  log(`apt-get install ${missing.join(' ')}`);
  if (install().status !== 0) {
    run('apt-get', ['update']);
    if (install().status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

export function ensureCodeServer(dir = DEFAULT_DIR) {
  ensureAptPackages();
  const have = installedVersion(dir);
  if (have?.startsWith(CODE_SERVER_VERSION) && existsSync(join(dir, '.complete'))) return codeServerBin(dir);
  const t0 = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, ~335 MB)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], dir);
  run('npm', ['rebuild', 'argon2', '--build-from-source'], dir);
  const vs = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vs);
  const rgDir = join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  copyFileSync(rg, join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  run('npm', ['rebuild', 'kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog'], vs);
  const link = (target, path) => {
    rmSync(path, { force: true });
    symlinkSync(target, path);
  };
  link('node_modules', join(vs, 'node_modules.asar'));
  link('code-linux.sh', join(vs, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', join(vs, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], join(vs, 'extensions'));
  const v = installedVersion(dir);
  if (!v?.startsWith(CODE_SERVER_VERSION)) throw new Error(`code-server --version gave ${JSON.stringify(v)}`);
  writeFileSync(join(dir, '.complete'), `${v}\n`);
  log(`installed in ${Math.round((Date.now() - t0) / 1000)} s: ${v.split('\n')[0]}`);
  return codeServerBin(dir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--dir');
  const dir = i > 0 ? resolve(process.argv[i + 1]) : DEFAULT_DIR;
  try {
    console.log(ensureCodeServer(dir));
  } catch (e) {
    log(`error: ${e.message}`);
    process.exit(1);
  }
}
