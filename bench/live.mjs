// Live recognition, measured at the stream API on dev-set clips fed in 100 ms pieces as a microphone
// would deliver them (as fast as the stream takes them; latency adds the time each piece took):
// - partial cadence: audio between model windows, and between changes of the partial text;
// - latency: from a word's last sample to the word first showing in a partial (median, p90);
// - CPU: share of one core per live stream, against pocketsphinx_continuous on the same clips;
// - WER of the streamed first pass (last partial) against the two-pass finals;
// - sessions: each set's clips in one stream, 1.5 s of quiet-room noise (-65 dBFS) between them, as a
//   person talking to an assistant with pauses (live, and with partials off as `transcribe` runs a
//   long file), and each clip after 0.5 s of digital silence: WER of the finals against each clip
//   in a stream of its own.
//
//   npm run build && node bench/live.mjs [--clips 60]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeAudioFile } from '../dist/audio/index.js';
import { Model } from '../dist/recognizer/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { argValue, DEV_SETS, measure, prepareSet, table, whiteNoise } from './common.mjs';

const PIECE = 1600;
const clips = Number(argValue('--clips', 60));
const sets = DEV_SETS.map((spec) => prepareSet(spec, Math.ceil(clips / DEV_SETS.length)));
const model = await Model.load();
const { chunkFrames } = model.metadata.streaming;

const latencies = [];
let audioSeconds = 0;
let cpuSeconds = 0;
let partialChanges = 0;
let firstPass = NO_ERRORS;
let twoPass = NO_ERRORS;

for (const set of sets) {
  for (const u of set.utterances) {
    const samples = await decodeAudioFile(u.wav);
    const stream = model.createStream({ endpoint: { silenceAfterSpeech: 60, silenceWithoutSpeech: 60, maxUtterance: 600 } });
    const timeline = [];
    let last = '';
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < samples.length; i += PIECE) {
      const started = performance.now();
      await stream.acceptWaveform(samples.subarray(i, i + PIECE));
      const partial = stream.partialResult().partial;
      const took = (performance.now() - started) / 1000;
      if (partial !== last) partialChanges++;
      last = partial;
      timeline.push({ audioEnd: Math.min(i + PIECE, samples.length) / 16000, took, words: partial.split(' ').filter(Boolean) });
    }
    const final = await stream.finalResult();
    const cpu = process.cpuUsage(cpuStart);
    cpuSeconds += (cpu.user + cpu.system) / 1e6;
    audioSeconds += samples.length / 16000;
    firstPass = addCounts(firstPass, countErrors(last, u.reference));
    twoPass = addCounts(twoPass, countErrors(final.text, u.reference));
    (final.result ?? []).forEach((word, index) => {
      const shown = timeline.find((t) => t.audioEnd >= word.end - 0.03 && t.words[index] === word.word);
      if (shown) latencies.push(shown.audioEnd - word.end + shown.took);
    });
  }
}

const sessions = [];
for (const set of sets) {
  const clips = await Promise.all(set.utterances.map((u) => decodeAudioFile(u.wav)));
  const references = set.utterances.map((u) => u.reference).join(' ');
  const alone = await Promise.all(clips.map((clip) => finalsOf([clip], false)));
  const padded = await Promise.all(clips.map((clip) => finalsOf([new Float32Array(8000), clip], false)));
  const gap = whiteNoise(24000, 0.001, 1);
  const session = clips.flatMap((clip) => [clip, gap]);
  sessions.push([
    set.name,
    werOf(alone.join(' '), references),
    werOf(await finalsOf(session, true), references),
    werOf(await finalsOf(session, false), references),
    werOf(padded.join(' '), references),
  ]);
}
await model.release();

/** The finals' text of one stream fed these pieces of audio. */
async function finalsOf(pieces, partials) {
  const stream = model.createStream({ partials });
  const finals = [];
  for (const piece of pieces) {
    if (await stream.acceptWaveform(piece)) while (stream.pendingFinals() > 0) finals.push(stream.result().text);
  }
  finals.push((await stream.finalResult()).text);
  return finals.filter(Boolean).join(' ');
}

function werOf(hypothesis, reference) {
  return errorRates(countErrors(hypothesis, reference)).wer.toFixed(2);
}

const audioFiles = sets.flatMap((s) => s.utterances.map((u) => u.wav));
const listFile = path.join(sets[0].dir, '..', 'live-clips.txt');
writeFileSync(listFile, audioFiles.join('\n'));
const sphinx = await measure('sh', ['-c', `while read f; do pocketsphinx_continuous -infile "$f" >/dev/null 2>&1; done < ${listFile}`]);

latencies.sort((a, b) => a - b);
const quantile = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
console.log(`${sets.reduce((n, s) => n + s.utterances.length, 0)} clips, ${audioSeconds.toFixed(0)} s of audio, ${latencies.length} words timed`);
console.log(table(['measure', 'value'], [
  ['audio per model window (ms)', (chunkFrames * 1000 / model.metadata.frameRate).toFixed(0)],
  ['audio per partial text change (ms)', ((audioSeconds * 1000) / Math.max(partialChanges, 1)).toFixed(0)],
  ['word latency median (ms)', (quantile(0.5) * 1000).toFixed(0)],
  ['word latency p90 (ms)', (quantile(0.9) * 1000).toFixed(0)],
  ['CPU per live stream (% of a core)', ((100 * cpuSeconds) / audioSeconds).toFixed(2)],
  ['pocketsphinx_continuous CPU (% of a core, incl. start-up)', ((100 * sphinx.cpu) / audioSeconds).toFixed(2)],
  ['pocketsphinx CPU / earshot CPU', (sphinx.cpu / cpuSeconds).toFixed(1)],
  ['WER streamed first pass (last partial) %', errorRates(firstPass).wer.toFixed(2)],
  ['WER two-pass finals %', errorRates(twoPass).wer.toFixed(2)],
]));
console.log(table(['set', 'WER, each clip alone %', 'one live session %', 'one session, partials off %', 'clips after 0.5 s of zeros %'], sessions));
