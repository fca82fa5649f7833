// Accuracy and cost on the dev sets (AN4 test, speechocean762 dev, librispeech-mini dev), earshot against pocketsphinx on
// the same audio in the same run. earshot runs greedy (no LM) and with its default beam search + LM,
// each on one thread, as pocketsphinx_batch does.
//
// --model DIR measures another model directory (a candidate) instead of the shipped one.
//
//   npm run build && node bench/dev-sets.mjs [--limit N] [--model DIR]
import { argValue, audioSeconds, DEV_SETS, prepareSet, runEarshot, runPocketsphinx, score, table } from './common.mjs';

const limit = Number(argValue('--limit', Infinity));
const model = argValue('--model', undefined);
const earshot = (set, args) => runEarshot(set, [...args, '--threads', '1', ...(model ? ['--model', model] : [])]);
const systems = [
  { name: 'pocketsphinx', run: (set) => runPocketsphinx(set) },
  { name: 'earshot greedy', run: (set) => earshot(set, ['--no-lm']) },
  { name: 'earshot beam+LM', run: (set) => earshot(set, []) },
];

const rows = [];
for (const spec of DEV_SETS) {
  const set = prepareSet(spec, limit);
  const seconds = audioSeconds(set);
  let peer;
  for (const system of systems) {
    const result = await system.run(set);
    const { wer, cer } = score(set, result.hyps);
    peer ??= { ...result, wer };
    rows.push([
      set.name, system.name, set.utterances.length, wer.toFixed(2), cer.toFixed(2), result.cpu.toFixed(1),
      (result.cpu / seconds).toFixed(4), (peer.cpu / result.cpu).toFixed(1), result.rssMb.toFixed(0),
    ]);
    process.stderr.write(`${set.name} ${system.name}: WER ${wer.toFixed(2)}%\n`);
  }
}
console.log(table(['set', 'system', 'utts', 'WER%', 'CER%', 'CPU s', 'CPU xRT', 'pocketsphinx CPU / this', 'peak RSS MB'], rows));

// Start-up: wall time to load and transcribe one short clip, which is mostly loading the models.
const short = prepareSet(DEV_SETS[0], 1);
const startup = [
  ['pocketsphinx', (await runPocketsphinx(short)).wall],
  ['earshot beam+LM', (await earshot(short, [])).wall],
  ['earshot greedy', (await earshot(short, ['--no-lm'])).wall],
];
console.log('\n' + table(['system', 'load + one short clip, wall s'], startup.map(([n, s]) => [n, s.toFixed(2)])));
