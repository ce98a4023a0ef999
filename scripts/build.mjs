// `npm run build`: compiles the production code (gateway, subgraphs, emulators, stack, lib,
// scripts) to plain JavaScript in dist/ with tsc, and copies beside it the files it reads at run
// time (SDL, the supergraph, the trusted-documents manifest, the GraphiQL bundle), so `node dist/scripts/<command>.js` needs no
// TypeScript loader. Plain JavaScript itself, so it runs on a clean clone.
//   --if-stale   build only when dist/ is missing or older than a source (npm's pre-scripts)
//   --out <dir>  another output folder (tests)
/* global process, console, URL */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? join(root, args[outArg + 1]) : join(root, 'dist');
const stamp = join(out, '.build-stamp');

const SOURCE_DIRS = ['gateway', 'subgraphs', 'emulators', 'stack', 'lib', 'scripts', 'schema'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** files the compiled code reads through `new URL(…, import.meta.url)` */
const isAsset = (path) => path.endsWith('.graphql');
/** the same outside the source folders: the trusted-documents manifest codegen writes */
const RUNTIME_FILES = ['client/__generated__/persisted-documents.json'];

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

function newestSource() {
  let newest = 0;
  for (const dir of SOURCE_DIRS)
    for (const f of files(join(root, dir))) newest = Math.max(newest, statSync(f).mtimeMs);
  for (const f of [...CONFIG_FILES, ...RUNTIME_FILES])
    if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

if (args.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource())
  process.exit(0);

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error('build: TypeScript is not installed: run `npm ci` (with dev dependencies) first');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
for (const dir of SOURCE_DIRS)
  for (const f of files(join(root, dir)))
    if (isAsset(f)) {
      const target = join(out, relative(root, f));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(f, target);
    }
for (const f of RUNTIME_FILES)
  if (existsSync(join(root, f))) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    cpSync(join(root, f), join(out, f));
  }
const graphiql = join(root, 'client', 'dist', 'graphiql');
if (existsSync(graphiql)) cpSync(graphiql, join(out, 'client', 'dist', 'graphiql'), { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log(`build: ${relative(root, out) || '.'} is up to date`);
