import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioFile } from '../audio/index.js';
import { computeFeatures, type FeatureConfig } from '../features/index.js';
import { encodeNpyFloat16 } from './npy.js';
import { serveItems } from './pool.js';
import { writeAtomic } from './write-atomic.js';

export interface FeatureJob {
  audio: string;
  out: string;
}

export interface FeatureJobResult {
  frames: number;
  seconds: number;
}

const config = workerData as FeatureConfig;

async function extract(job: FeatureJob): Promise<FeatureJobResult> {
  const samples = await decodeAudioFile(job.audio);
  const features = computeFeatures(samples, config);
  if (features.frames === 0) throw new Error(`${job.audio}: too short for one feature frame`);
  await writeAtomic(job.out, encodeNpyFloat16(features.data, features.frames, features.dim));
  return { frames: features.frames, seconds: samples.length / config.sampleRate };
}

serveItems(parentPort!, extract);
