// Speed of earshot's MFCC features on one core, against torchaudio's Kaldi-compatible MFCC (the
// reference the features are tested against) on the same audio in the same run.
//
//   npm run build && node bench/features.mjs
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { decodeAudioFile } from '../dist/audio/index.js';
import { computeFeatures } from '../dist/features/index.js';
import { ROOT, table } from './common.mjs';

const clip = path.join(ROOT, 'audio-samples', 'cathy-arctic_a0040.wav');
const samples = await decodeAudioFile(clip);
const repeats = 200;
const audio = new Float32Array(samples.length * repeats);
for (let i = 0; i < repeats; i++) audio.set(samples, i * samples.length);
const seconds = audio.length / 16000;

computeFeatures(samples);
const started = process.cpuUsage();
const features = computeFeatures(audio);
const cpu = process.cpuUsage(started);
const earshot = (cpu.user + cpu.system) / 1e6;

const torchaudio = Number(
  execFileSync('/usr/bin/python3', ['-c', `
import time, torch, torchaudio, torchaudio.compliance.kaldi as k
torch.set_num_threads(1)
x, _ = torchaudio.load(${JSON.stringify(clip)})
x = x.repeat(1, ${repeats})
t = time.process_time()
k.mfcc(x, sample_frequency=16000, frame_length=32.0, frame_shift=10.0, window_type="hanning", num_mel_bins=40,
       num_ceps=40, low_freq=20, high_freq=7600, dither=0.0, use_energy=False, cepstral_lifter=0.0)
print(time.process_time() - t)`], { env: { ...process.env, OMP_NUM_THREADS: '1' } }).toString(),
);

console.log(`${seconds.toFixed(0)} s of audio, ${features.frames} frames of ${features.dim}`);
console.log(table(['features', 'CPU s', 'x real time', 'real-time factor'], [
  ['earshot (meyda + own mel/DCT/CMN)', earshot.toFixed(3), (seconds / earshot).toFixed(0), (earshot / seconds).toFixed(5)],
  ['torchaudio kaldi.mfcc', torchaudio.toFixed(3), (seconds / torchaudio).toFixed(0), (torchaudio / seconds).toFixed(5)],
]));
console.log(`earshot / torchaudio CPU time: ${(earshot / torchaudio).toFixed(2)}`);
