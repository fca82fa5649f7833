// Tunes the beam search on the dev sets and writes the settings into the model's model.json, where
// Model.load picks them up as defaults:
// - the LM weight (alpha) and word bonus (beta), by WER, at the beam width model.json already gives;
// - unkThreshold, how far a grammar's best phrase may trail the unconstrained best path before the
//   result is "[unk]": each utterance is decoded with a grammar of GRAMMAR_SIZE phrases from its set,
//   once with its own transcript among them and once without; of the thresholds within a point of
//   the most right (the transcript in the first case, "[unk]" in the second, averaged), the largest
//   wins. It depends on how sharp the model's posteriors are, so it is tuned per model.
//
// A phone model decodes through its directory's pronunciation lexicon. --alphas and --betas replace
// the grids of LM weights and word bonuses tried.
//
//   npm run build && node training/tune_decoder.mjs [--model models/en-bilstm] [--limit 400] [--alphas 0.4,0.5] [--betas 2] [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BeamSearchDecoder, GreedyDecoder, phraseWords, PronunciationSpelling, unwritableWords } from '../dist/decoder/index.js';
import { loadArpa } from '../dist/lm/index.js';
import { LEXICON_FILE, OnnxAcousticModel } from '../dist/model/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { DEV_SETS, devUtterances, posteriors, ROOT } from './dev-posteriors.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const modelDir = path.resolve(arg('--model', path.join(ROOT, 'models', 'en-bilstm')));
const limit = Number(arg('--limit', 400));
const grid = (name, values) => arg(name, values).split(',').map(Number);
const alphas = grid('--alphas', '0.3,0.4,0.5,0.6,0.7,0.9');
const betas = grid('--betas', '0.5,1,1.5,2,2.5,3,4');
const GRAMMAR_SIZE = 20;
const UNK_THRESHOLDS = [0.25, 0.4, 0.5, 0.6, 0.75, 1, 1.5, 2];

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

/** Per utterance: GRAMMAR_SIZE - 1 other transcripts of its set, drawn deterministically. */
function distractors(set) {
  const phrases = [...new Set(set.map((u) => u.reference))];
  return set.map((u, i) => {
    const others = phrases.filter((p) => p !== u.reference);
    return Array.from({ length: Math.min(GRAMMAR_SIZE - 1, others.length) }, (_, k) => others[(i * 7 + k * 13) % others.length]);
  });
}

/**
 * Shares of utterances decoded right with their transcript in the grammar (in) and without it ("[unk]", out).
 * A phone model's grammars leave out the transcripts with a word its lexicon lacks.
 */
function grammarAccuracy(decoder, sets) {
  let inRight = 0;
  let outRight = 0;
  let count = 0;
  const writable = (u) => !spelling || unwritableWords(phraseWords(u.reference), spelling).length === 0;
  for (const set of sets.map((s) => s.filter(writable))) {
    const others = distractors(set);
    set.forEach((u, i) => {
      const decode = (phrases) => {
        const session = decoder.createSession({ grammar: [...phrases, '[unk]'] });
        session.pushFrames(u.logprobs, u.frames);
        return session.finish()[0].text;
      };
      if (decode([u.reference, ...others[i]]) === u.reference) inRight++;
      if (decode(others[i]) === '[unk]') outRight++;
      count++;
    });
  }
  return { inGrammar: inRight / count, outOfGrammar: outRight / count };
}

const model = await OnnxAcousticModel.load(modelDir);
const lm = await loadArpa(path.join(modelDir, 'lm.arpa.gz'));
const spelling = model.metadata.units === 'phones' ? new PronunciationSpelling(gunzipSync(readFileSync(path.join(modelDir, LEXICON_FILE))).toString('utf8')) : undefined;
const vocabulary = { vocabulary: model.metadata.vocabulary, blank: model.metadata.blank, spelling };
const { beam, unkPenalty } = model.metadata.decoder ?? {};
const search = { ...(beam === undefined ? {} : { beam }), ...(unkPenalty === undefined ? {} : { unkPenalty }) };
const sets = [];
for (const [corpus, split] of DEV_SETS) sets.push(await posteriors(model, devUtterances(corpus, split, limit)));
const greedy = wer(new GreedyDecoder(vocabulary), sets);
console.log(`greedy: ${greedy.map((w) => w.toFixed(2)).join(' / ')}`);
let best;
for (const alpha of alphas) {
  for (const beta of betas) {
    const wers = wer(new BeamSearchDecoder({ ...vocabulary, ...search, lm, alpha, beta }), sets);
    const mean = wers.reduce((a, b) => a + b, 0) / wers.length;
    console.log(`alpha ${alpha} beta ${beta}: ${wers.map((w) => w.toFixed(2)).join(' / ')} (mean ${mean.toFixed(2)})`);
    if (!best || mean < best.mean) best = { alpha, beta, mean, wers };
  }
}
console.log(`best: alpha ${best.alpha} beta ${best.beta}, WER ${best.wers.map((w) => w.toFixed(2)).join(' / ')} against greedy ${greedy.map((w) => w.toFixed(2)).join(' / ')}`);
const unkRuns = UNK_THRESHOLDS.map((unkThreshold) => {
  const accuracy = grammarAccuracy(new BeamSearchDecoder({ ...vocabulary, unkThreshold }), sets);
  console.log(`unkThreshold ${unkThreshold}: in grammar ${(100 * accuracy.inGrammar).toFixed(1)}% right, out of grammar ${(100 * accuracy.outOfGrammar).toFixed(1)}% "[unk]"`);
  return { unkThreshold, right: (accuracy.inGrammar + accuracy.outOfGrammar) / 2, ...accuracy };
});
// The optimum is flat; within a point of it, the largest threshold, so that a command said is seldom refused.
const mostRight = Math.max(...unkRuns.map((r) => r.right));
const bestUnk = unkRuns.filter((r) => r.right >= mostRight - 0.01).at(-1);
console.log(`best: unkThreshold ${bestUnk.unkThreshold}`);
if (process.argv.includes('--write')) {
  const file = path.join(modelDir, 'model.json');
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  meta.decoder = { ...meta.decoder, alpha: best.alpha, beta: best.beta, unkThreshold: bestUnk.unkThreshold };
  meta.devDecoding = { sets: DEV_SETS.map(([c, s]) => `${c} ${s}`), utterancesPerSet: limit, greedyWer: greedy, lmWer: best.wers,
    grammar: { phrases: GRAMMAR_SIZE, inGrammarRight: bestUnk.inGrammar, outOfGrammarUnk: bestUnk.outOfGrammar } };
  writeFileSync(file, JSON.stringify(meta, null, 1) + '\n');
  console.log(`wrote decoder settings to ${file}`);
}
await model.release();
