// Clean, native read speech with a wide vocabulary, earshot against pocketsphinx on the same clips
// in the same run. The dev sets have none (AN4 is letters, digits and commands; speechocean762 is
// accented), so this takes clips evenly spaced through cathy's and ljspeech's train splits. The
// model trained on them and the LM's text holds their sentences: a best case for earshot, on the
// kind of speech pocketsphinx's en-us model was made for, showing how far the acoustic model is
// from fitting it (greedy) and what the LM makes of it.
//
//   npm run build && node bench/read-speech.mjs [--limit N]
import { argValue, prepareSet, runEarshot, runPocketsphinx, score, table } from './common.mjs';

const limit = Number(argValue('--limit', 40));
const SETS = [
  { name: 'cathy-train', corpus: 'cathy', split: 'train' },
  { name: 'ljspeech-train', corpus: 'ljspeech', split: 'train' },
];

const rows = [];
for (const spec of SETS) {
  const set = prepareSet(spec, limit);
  const row = [set.name, set.utterances.length];
  for (const run of [() => runPocketsphinx(set), () => runEarshot(set, ['--no-lm']), () => runEarshot(set, [])]) {
    const { wer, cer } = score(set, (await run()).hyps);
    row.push(`${wer.toFixed(2)} / ${cer.toFixed(2)}`);
  }
  rows.push(row);
}
console.log(table(['set', 'utts', 'pocketsphinx WER/CER%', 'earshot greedy WER/CER%', 'earshot beam+LM WER/CER%'], rows));
