// The dev sets' utterances and a model's final-pass posteriors of them, for the scripts that decode
// the dev sets many ways (tune_decoder.mjs, compare_units.mjs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudioFile } from '../dist/audio/index.js';
import { computeFeatures } from '../dist/features/index.js';
import { normalizeText } from '../dist/text/normalize.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEV_SETS = [['an4', 'test'], ['speechocean762', 'dev'], ['librispeech-mini', 'dev']];

/** Up to `limit` utterances of a dev split, evenly spaced through it: it is ordered by speaker, so every speaker has a say. */
export function devUtterances(corpus, split, limit) {
  const file = path.join(ROOT, '..', 'shared', 'corpora', corpus, 'manifest.tsv');
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const inSplit = rows.filter((r) => r[3] === split);
  const count = Math.min(limit, inSplit.length);
  const picked = Array.from({ length: count }, (_, i) => inSplit[Math.floor((i * inSplit.length) / count)]);
  return picked.map((r) => ({ audio: path.join(path.dirname(file), r[0]), reference: normalizeText(r[1]) }));
}

/** Log-probabilities of each utterance from one whole-utterance window with all the warps, as a final pass runs. */
export async function posteriors(model, utterances) {
  const { frameStack, features: config } = model.metadata;
  const finalPass = model.initialState(model.metadata.warps.length);
  const out = [];
  for (const u of utterances) {
    const feats = computeFeatures(await decodeAudioFile(u.audio), config);
    const frames = Math.ceil(feats.frames / frameStack) * frameStack;
    const padded = new Float32Array(frames * feats.dim);
    padded.set(feats.data);
    for (let t = feats.frames; t < frames; t++) padded.set(feats.data.subarray((feats.frames - 1) * feats.dim, feats.frames * feats.dim), t * feats.dim);
    const split = (frames - frameStack) * feats.dim;
    const result = await model.runWindow(padded.subarray(0, split), padded.subarray(split), finalPass);
    out.push({ ...u, logprobs: result.logprobs, frames: result.chunkFrames + result.lookaheadFrames });
  }
  return out;
}
