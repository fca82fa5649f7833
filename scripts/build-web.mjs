#!/usr/bin/env node
// Builds the browser version (`earshot/web`) and the static demo into dist/web, a folder any static
// file server can host: the page (src/web), the bundle (earshot.js, from src/browser), onnxruntime-web's
// WebAssembly runtime beside it, and the shipped model in model/ (model.json, model.onnx, lm.bin and
// a phone model's lexicon.txt.gz).
// Run after `npm run build` (it takes the LM's binary form from the Node build): `npm run build:web`.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LEXICON_FILE } from '../dist/model/index.js';
import { DEFAULT_MODEL_DIR, loadModelLanguageModel } from '../dist/recognizer/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'web');
const ortDist = path.join(root, 'node_modules', 'onnxruntime-web', 'dist');
/** The runtime's files the bundle fetches from beside itself: the SIMD + threads build, CPU only. */
const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'model'), { recursive: true });
await build({
  entryPoints: [path.join(root, 'src', 'browser', 'index.ts')],
  outfile: path.join(out, 'earshot.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // onnxruntime-web's build that loads its .mjs and .wasm from wasmPaths instead of inlining them.
  conditions: ['onnxruntime-web-use-extern-wasm'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const name of ORT_FILES) await copyFile(path.join(ortDist, name), path.join(out, name));
for (const name of await readdir(path.join(root, 'src', 'web'))) await copyFile(path.join(root, 'src', 'web', name), path.join(out, name));
// Served by no earshot server, the page recognises in the browser only.
const page = await readFile(path.join(out, 'index.html'), 'utf8');
await writeFile(path.join(out, 'index.html'), page.replace('<body>', '<body data-standalone>'));
for (const name of ['model.json', 'model.onnx', ...(existsSync(path.join(DEFAULT_MODEL_DIR, LEXICON_FILE)) ? [LEXICON_FILE] : [])]) {
  await copyFile(path.join(DEFAULT_MODEL_DIR, name), path.join(out, 'model', name));
}
const lm = await loadModelLanguageModel(DEFAULT_MODEL_DIR);
await writeFile(path.join(out, 'model', 'lm.bin'), lm.binary);
console.log(`${path.relative(root, out)}: earshot.js, ${ORT_FILES.join(', ')}, the page and model/`);
