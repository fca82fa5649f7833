// Robustness: the dev sets under noise, in a room, over a telephone line and with zero padding,
// earshot against pocketsphinx on the same altered audio in the same run. Conditions:
// - white noise and babble (four other clips of the set, summed) at 10 dB and 0 dB SNR;
// - telephone: 8 kHz, 300-3400 Hz band, then back to 16 kHz;
// - a room: a synthetic impulse response (a direct path and an exponentially decaying noise tail)
//   of a small room heard from near (RT60 0.4 s, 6 dB direct to reverberant) and of a lively room
//   heard from afar (0.8 s, 0 dB);
// - 0.5 s of digital silence before and after each clip;
// - quiet: the clip 30 dB quieter, as from a microphone set too low;
// - clipped: the clip 20 dB louder, clipped at full scale, as from a microphone set too high.
//
//   npm run build && node bench/noise.mjs [--limit N] [--conditions NAME,NAME...]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wavefile from 'wavefile';
import { decodeAudioFile, resample } from '../dist/audio/index.js';
import { argValue, DEV_SETS, prepareSet, runEarshot, runPocketsphinx, score, table, whiteNoise } from './common.mjs';

const limit = Number(argValue('--limit', 60));
const only = argValue('--conditions', undefined)?.split(',');

const conditions = {
  clean: (x) => x,
  'white 10 dB': (x, i) => mix(x, whiteNoise(x.length, 1, 7 + i), 10),
  'white 0 dB': (x, i) => mix(x, whiteNoise(x.length, 1, 7 + i), 0),
  'babble 10 dB': (x, i, others) => mix(x, babble(others, x.length), 10),
  'babble 0 dB': (x, i, others) => mix(x, babble(others, x.length), 0),
  'room 0.4 s near': (x, i) => reverberate(x, roomResponse(0.4, 6, 11 + i)),
  'room 0.8 s far': (x, i) => reverberate(x, roomResponse(0.8, 0, 11 + i)),
  telephone: (x) => resample(bandPass(resample(x, 16000, 8000), 8000, 300, 3400), 8000, 16000),
  'zero padding': (x) => {
    const out = new Float32Array(x.length + 16000);
    out.set(x, 8000);
    return out;
  },
  'quiet 30 dB': (x) => x.map((s) => s * 10 ** (-30 / 20)),
  'clipped 20 dB': (x) => x.map((s) => Math.max(-1, Math.min(1, s * 10))),
};
if (only?.some((name) => !(name in conditions))) throw new Error(`--conditions takes: ${Object.keys(conditions).join(', ')}`);

const rows = [];
for (const spec of DEV_SETS) {
  const base = prepareSet(spec, limit);
  const clips = await Promise.all(base.utterances.map((u) => decodeAudioFile(u.wav)));
  for (const [name, alter] of Object.entries(conditions).filter(([name]) => !only || only.includes(name))) {
    const set = writeCondition(base, clips, name, alter);
    const row = [base.name, name];
    for (const run of [() => runPocketsphinx(set), () => runEarshot(set, ['--no-lm']), () => runEarshot(set, [])]) {
      row.push(score(set, (await run()).hyps).wer.toFixed(2));
    }
    rows.push(row);
    process.stderr.write(`${row.join(' ')}\n`);
  }
}
console.log(table(['set', 'condition', 'pocketsphinx WER%', 'earshot greedy WER%', 'earshot beam+LM WER%'], rows));

function writeCondition(base, clips, name, alter) {
  const dir = path.join(base.dir, '..', `${base.name}-${name.replace(/\W+/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const utterances = base.utterances.map((u, i) => {
    const others = [1, 2, 3, 4].map((k) => clips[(i + k * 7) % clips.length]);
    const wav = path.join(dir, `${u.id}.wav`);
    const file = new wavefile.WaveFile();
    file.fromScratch(1, 16000, '16', Array.from(alter(clips[i], i, others), (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767)));
    writeFileSync(wav, file.toBuffer());
    return { ...u, wav };
  });
  return { name: `${base.name} ${name}`, dir, utterances };
}

function mix(speech, noise, snrDb) {
  const gain = Math.sqrt(power(speech) / (power(noise) * 10 ** (snrDb / 10)));
  return speech.map((s, i) => s + gain * noise[i]);
}

function power(x) {
  return x.reduce((sum, s) => sum + s * s, 0) / Math.max(1, x.length);
}

function babble(others, length) {
  const out = new Float32Array(length);
  for (const clip of others) for (let i = 0; i < length; i++) out[i] += clip[i % clip.length];
  return out;
}

/** A room's impulse response at 16 kHz: the direct path, then noise from 2 ms on that decays by 60 dB over rt60 seconds. */
function roomResponse(rt60, directToReverberantDb, seed) {
  const rate = 16000;
  const onset = Math.round(0.002 * rate);
  const tail = whiteNoise(Math.round(rt60 * rate), 1, seed).map((v, k) => (k < onset ? 0 : v * Math.exp((-6.9 * k) / (rt60 * rate))));
  const scale = Math.sqrt(10 ** (-directToReverberantDb / 10) / power(tail) / tail.length);
  const response = tail.map((v) => v * scale);
  response[0] = 1;
  return response;
}

/** The signal through a room, at its original peak level. */
function reverberate(x, response) {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const taps = Math.min(response.length, x.length - i);
    for (let k = 0; k < taps; k++) out[i + k] += x[i] * response[k];
  }
  const peak = (y) => y.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const gain = peak(x) / Math.max(peak(out), 1e-9);
  return out.map((v) => v * gain);
}

/** A band-pass as a high-pass then a low-pass, each a one-pole filter: a plain telephone channel. */
function bandPass(x, rate, low, high) {
  const a = Math.exp((-2 * Math.PI * low) / rate);
  const b = Math.exp((-2 * Math.PI * high) / rate);
  const out = new Float32Array(x.length);
  let hp = 0;
  let lp = 0;
  let prev = 0;
  for (let i = 0; i < x.length; i++) {
    hp = a * (hp + x[i] - prev);
    prev = x[i];
    lp = (1 - b) * hp + b * lp;
    out[i] = lp;
  }
  return out;
}
