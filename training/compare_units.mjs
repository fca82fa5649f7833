// Issue 17's phone-unit candidate against the character model, on the same dev utterances: WER and
// CER greedy and with the beam search and the LM, for each model directory given.
//
// A phone model (model.json "units": "phones") decodes through the pronunciation
// lexicon in its directory (lexicon.txt.gz): each LM word the lexicon has is spelled in the model's
// tokens, and in the search a pronunciation scores as the likeliest of its words after the history.
// The output's pronunciations then become the words the LM likes best of every reading of their
// homophones; a pronunciation the lexicon lacks reads "?" and counts as an error.
//
//   npm run build && node training/compare_units.mjs models/en-bilstm cache/models/en-phones [--limit 200]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BeamSearchDecoder, GreedyDecoder } from '../dist/decoder/index.js';
import { loadArpa } from '../dist/lm/index.js';
import { OnnxAcousticModel } from '../dist/model/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { DEV_SETS, devUtterances, posteriors, ROOT } from './dev-posteriors.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const limit = Number(arg('--limit', 200));
const modelDirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--limit');
/** (alpha, beta) pairs tried for a phone model, whose LM weight the character model's tuning does not fit. */
const PHONE_FUSION = [[0.4, 1.5], [0.5, 1.5], [0.5, 2], [0.6, 2]];

/** The model directory's lexicon.txt.gz (export.py): each word's pronunciations in the model's tokens. */
function readLexicon(dir) {
  const prons = new Map();
  for (const line of gunzipSync(readFileSync(path.join(dir, 'lexicon.txt.gz'))).toString('utf8').split('\n')) {
    const [word, pron] = line.split('\t');
    if (pron) prons.set(word, [...(prons.get(word) ?? []), pron]);
  }
  return prons;
}

/** The LM seen through the lexicon: its words spelled as pronunciations, and each pronunciation's words. */
function pronunciationLm(lm, lexicon) {
  const entries = [];
  for (const [word, id] of lm.words()) {
    for (const pron of lexicon.get(word) ?? []) entries.push({ word, pron, id });
  }
  const wordsOf = new Map();
  for (const e of entries) wordsOf.set(e.pron, [...(wordsOf.get(e.pron) ?? []), e]);
  const spelled = Object.create(lm);
  spelled.words = function* () {
    for (const e of entries) yield [e.pron, e.id];
  };
  return { lm: spelled, wordsOf };
}

/**
 * Decoded pronunciations as words: of every way to read the homophones, the one the LM likes best,
 * sentence end included (Viterbi over LM states, so "for two one" becomes "four two one").
 */
function wordsOfPronunciations(text, lm, wordsOf) {
  let paths = new Map([[lm.startState(), { logProb: 0, words: [] }]]);
  for (const pron of text.split(' ').filter(Boolean)) {
    const next = new Map();
    const homophones = wordsOf.get(pron) ?? [{ word: '?' }];
    for (const [state, path] of paths) {
      for (const { word, id } of homophones) {
        const scored = id === undefined ? { logProb: 0, state: lm.nullState() } : lm.score(state, id);
        const logProb = path.logProb + scored.logProb;
        if (!(next.get(scored.state)?.logProb >= logProb)) next.set(scored.state, { logProb, words: [...path.words, word] });
      }
    }
    paths = next;
  }
  let best = { logProb: -Infinity, words: [] };
  for (const [state, path] of paths) {
    const logProb = path.logProb + lm.endScore(state);
    if (logProb > best.logProb) best = { logProb, words: path.words };
  }
  return best.words.join(' ');
}

function score(sets, decode) {
  return sets.map((set) => errorRates(set.reduce((sum, u) => addCounts(sum, countErrors(decode(u), u.reference)), NO_ERRORS)));
}

function decodeWith(decoder, toText) {
  return (u) => {
    const session = decoder.createSession();
    session.pushFrames(u.logprobs, u.frames);
    return toText(session.finish()[0].text);
  };
}

const format = (rates) => rates.map((r) => `${r.wer.toFixed(2)} (${r.cer.toFixed(1)})`).join(' / ');
const lm = await loadArpa(path.join(ROOT, 'models', 'en-bilstm', 'lm.arpa.gz'));
console.log(`WER (CER) on ${DEV_SETS.map(([c, s]) => `${c} ${s}`).join(' / ')}, up to ${limit} utterances each`);
for (const dir of modelDirs) {
  const model = await OnnxAcousticModel.load(path.resolve(dir));
  const meta = model.metadata;
  const sets = [];
  for (const [corpus, split] of DEV_SETS) sets.push(await posteriors(model, devUtterances(corpus, split, limit)));
  const vocabulary = { vocabulary: meta.vocabulary, blank: meta.blank };
  const beam = meta.decoder?.beam ?? 64;
  if ((meta.units ?? 'chars') === 'chars') {
    console.log(`${dir} greedy: ${format(score(sets, decodeWith(new GreedyDecoder(vocabulary), (t) => t)))}`);
    const { alpha = 0.6, beta = 2 } = meta.decoder ?? {};
    const decoder = new BeamSearchDecoder({ ...vocabulary, lm, beam, alpha, beta });
    console.log(`${dir} beam ${beam} alpha ${alpha} beta ${beta}: ${format(score(sets, decodeWith(decoder, (t) => t)))}`);
  } else {
    const lexicon = pronunciationLm(lm, readLexicon(dir));
    const toWords = (text) => wordsOfPronunciations(text, lm, lexicon.wordsOf);
    console.log(`${dir} greedy, words looked up: ${format(score(sets, decodeWith(new GreedyDecoder(vocabulary), toWords)))}`);
    for (const [alpha, beta] of PHONE_FUSION) {
      const decoder = new BeamSearchDecoder({ ...vocabulary, lm: lexicon.lm, beam, alpha, beta, unkPenalty: -10 });
      console.log(`${dir} beam ${beam} alpha ${alpha} beta ${beta}: ${format(score(sets, decodeWith(decoder, toWords)))}`);
    }
  }
  await model.release();
}
