import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioFile } from '../audio/index.js';
import { computeFeatures, type FeatureConfig } from '../features/index.js';
import { encodeNpyFloat16 } from './npy.js';
import { serveItems } from './pool.js';

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
  await mkdir(path.dirname(job.out), { recursive: true });
  const tmp = `${job.out}.${process.pid}.tmp`;
  await writeFile(tmp, encodeNpyFloat16(features.data, features.frames, features.dim));
  await rename(tmp, job.out);
  return { frames: features.frames, seconds: samples.length / config.sampleRate };
}

serveItems(parentPort!, extract);
