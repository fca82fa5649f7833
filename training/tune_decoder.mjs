// Tunes the beam search's LM weight (alpha) and word bonus (beta) on the dev sets and writes the best
// pair into the model's model.json, where Model.load picks it up as the default.
//
//   npm run build && node training/tune_decoder.mjs [--model models/en-bilstm] [--limit 400] [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudioFile } from '../dist/audio/index.js';
import { BeamSearchDecoder, GreedyDecoder } from '../dist/decoder/index.js';
import { computeFeatures } from '../dist/features/index.js';
import { loadArpa } from '../dist/lm/index.js';
import { OnnxAcousticModel } from '../dist/model/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { normalizeText } from '../dist/text/normalize.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const modelDir = path.resolve(arg('--model', path.join(ROOT, 'models', 'en-bilstm')));
const limit = Number(arg('--limit', 400));
const DEV_SETS = [['an4', 'test'], ['speechocean762', 'dev']];

function devUtterances(corpus, split) {
  const file = path.join(ROOT, '..', 'shared', 'corpora', corpus, 'manifest.tsv');
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const inSplit = rows.filter((r) => r[3] === split);
  // Evenly spaced through the split, which is ordered by speaker, so every speaker has a say.
  const picked = Array.from({ length: Math.min(limit, inSplit.length) }, (_, i) => inSplit[Math.floor((i * inSplit.length) / Math.min(limit, inSplit.length))]);
  return picked.map((r) => ({ audio: path.join(path.dirname(file), r[0]), reference: normalizeText(r[1]) }));
}

/** Log-probabilities of each utterance from one whole-utterance window. */
async function posteriors(model, utterances) {
  const { frameStack, features: config } = model.metadata;
  const out = [];
  for (const u of utterances) {
    const feats = computeFeatures(await decodeAudioFile(u.audio), config);
    const frames = Math.ceil(feats.frames / frameStack) * frameStack;
    const padded = new Float32Array(frames * feats.dim);
    padded.set(feats.data);
    for (let t = feats.frames; t < frames; t++) padded.set(feats.data.subarray((feats.frames - 1) * feats.dim, feats.frames * feats.dim), t * feats.dim);
    const split = (frames - frameStack) * feats.dim;
    const result = await model.runWindow(padded.subarray(0, split), padded.subarray(split), model.initialState());
    out.push({ ...u, logprobs: result.logprobs, frames: result.chunkFrames + result.lookaheadFrames });
  }
  return out;
}

function wer(decoder, sets) {
  return sets.map((set) => {
    const counts = set.reduce((sum, u) => {
      const session = decoder.createSession();
      session.pushFrames(u.logprobs, u.frames);
      return addCounts(sum, countErrors(session.finish()[0].text, u.reference));
    }, NO_ERRORS);
    return errorRates(counts).wer;
  });
}

const model = await OnnxAcousticModel.load(modelDir);
const lm = await loadArpa(path.join(modelDir, 'lm.arpa.gz'));
const vocabulary = { vocabulary: model.metadata.vocabulary, blank: model.metadata.blank };
const sets = [];
for (const [corpus, split] of DEV_SETS) sets.push(await posteriors(model, devUtterances(corpus, split)));
const greedy = wer(new GreedyDecoder(vocabulary), sets);
console.log(`greedy: ${greedy.map((w) => w.toFixed(2)).join(' / ')}`);
let best;
for (const alpha of [0.3, 0.4, 0.5, 0.6, 0.7, 0.9]) {
  for (const beta of [0.5, 1, 1.5, 2, 2.5, 3, 4]) {
    const wers = wer(new BeamSearchDecoder({ ...vocabulary, lm, alpha, beta }), sets);
    const mean = wers.reduce((a, b) => a + b, 0) / wers.length;
    console.log(`alpha ${alpha} beta ${beta}: ${wers.map((w) => w.toFixed(2)).join(' / ')} (mean ${mean.toFixed(2)})`);
    if (!best || mean < best.mean) best = { alpha, beta, mean, wers };
  }
}
console.log(`best: alpha ${best.alpha} beta ${best.beta}, WER ${best.wers.map((w) => w.toFixed(2)).join(' / ')} against greedy ${greedy.map((w) => w.toFixed(2)).join(' / ')}`);
if (process.argv.includes('--write')) {
  const file = path.join(modelDir, 'model.json');
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  meta.decoder = { ...meta.decoder, alpha: best.alpha, beta: best.beta };
  meta.devDecoding = { sets: DEV_SETS.map(([c, s]) => `${c} ${s}`), utterancesPerSet: limit, greedyWer: greedy, lmWer: best.wers };
  writeFileSync(file, JSON.stringify(meta, null, 1) + '\n');
  console.log(`wrote decoder settings to ${file}`);
}
await model.release();
