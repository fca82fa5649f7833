// earshot worker and transcribe --redis against a real redis-server: two worker processes, real
// audio, a worker killed mid-batch, a Redis restart mid-batch, a corrupt file, detach and collect.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import wavefile from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRUPT_WAV, loadSample } from '../helpers.js';
import { earshot, earshotRun, RedisProcess, sleep, type Child } from '../scale-out-helpers.js';

const CLIPS = ['cathy-arctic_a0040.wav', 'cathy-arctic_a0074.wav', 'ljspeech-LJ001-0011.wav'];
/** Files of 3 to 7 clips (10 to 25 s), so a job lasts long enough to kill its worker in the middle of it. */
const FILE_CLIPS = [3, 5, 7, 4, 6];

/** The clips one after another with half a second of silence between, as a 16 kHz 16-bit WAV. */
function longWav(count: number): Buffer {
  const gap = new Float32Array(8000);
  const parts = Array.from({ length: count }, (_, k) => [loadSample(CLIPS[k % CLIPS.length]!), gap]).flat();
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) for (const s of part) samples[at++] = Math.max(-32768, Math.min(32767, Math.round(s * 32767)));
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, '16', samples);
  return Buffer.from(wav.toBuffer());
}

async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) files[name] = text;
  }
  return files;
}

/** A worker's /metrics value, or undefined while it cannot be read. */
async function metric(worker: Child, name: string): Promise<number | undefined> {
  const url = /metrics at (http:\S+)/.exec(worker.output)?.[1];
  const text = url ? await fetch(url).then((r) => r.text(), () => '') : '';
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

describe('batch transcription through a BullMQ queue', () => {
  let tmp: string;
  let audio: string;
  let redis: RedisProcess;
  let workers: Child[];
  /** A local run's outputs, which a queued run must match. */
  let local: Record<string, string>;

  const startWorker = async (): Promise<Child> => {
    const worker = earshot(['worker', '--redis', redis.url, '--threads', '1', '--port', '0']);
    await worker.waitFor(/taking jobs/);
    return worker;
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'earshot-queue-'));
    audio = path.join(tmp, 'audio');
    await mkdir(audio);
    for (const [k, count] of FILE_CLIPS.entries()) await writeFile(path.join(audio, `talk-${k}.wav`), longWav(count));
    await writeFile(path.join(audio, 'corrupt.wav'), CORRUPT_WAV);
    redis = await RedisProcess.start(path.join(tmp, 'redis'));
    workers = [await startWorker(), await startWorker()];
    const reference = await earshotRun(['transcribe', audio, '--out', path.join(tmp, 'local'), '--format', 'txt,json', '--threads', '2']);
    expect(reference.code).toBe(1);
    local = await readTree(path.join(tmp, 'local'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.kill('SIGTERM')));
    await redis?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows what a local run shows; --detach and earshot jobs collect later, and a rerun skips what is written', async () => {
    const out = path.join(tmp, 'detached');
    const detached = await earshotRun(['transcribe', audio, '--redis', redis.url, '--out', out, '--format', 'txt,json', '--detach']);
    expect(detached.code).toBe(0);
    const batch = detached.stdout.trim();
    expect(batch).toMatch(/^[0-9a-f]{12}$/);
    const collected = await earshotRun(['jobs', '--redis', redis.url, batch]);
    expect(collected.code).toBe(1);
    expect(collected.output).toMatch(/corrupt\.wav: .*\n/);
    expect(collected.output).toMatch(/transcribe 6\/6 files \(1 failed\)/);
    expect(await readTree(out)).toEqual(local);
    const listing = await earshotRun(['jobs', '--redis', redis.url]);
    expect(listing.stdout).toMatch(new RegExp(`^${batch}  \\S+  6/6 done  1 failed  ${out}$`, 'm'));
    const again = await earshotRun(['jobs', '--redis', redis.url, batch]);
    expect(again.output).toMatch(/5 files already written, skipped/);
    // The corrupt file has no output, so it is reported again: it failed once, and stays failed.
    expect(again.stdout.trim().split('\n').map((l) => JSON.parse(l).file)).toEqual([path.join(audio, 'corrupt.wav')]);
  }, 180_000);

  it('fails a corrupt file once, with its reason, without retrying it', async () => {
    const run = await earshotRun(['transcribe', path.join(audio, 'corrupt.wav'), '--redis', redis.url]);
    expect(run.code).toBe(1);
    const line = JSON.parse(run.stdout);
    expect(line.error).toMatch(/corrupt\.wav: /);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('earshot', { connection });
    const failed = (await queue.getFailed()).filter((job) => job.data.file.endsWith('corrupt.wav'));
    expect(failed.length).toBeGreaterThan(0);
    for (const job of failed) {
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBe(line.error);
    }
    await queue.close();
    connection.disconnect();
  }, 60_000);

  it('refuses model paths and reports models a worker lacks', async () => {
    const byPath = await earshotRun(['transcribe', audio, '--redis', redis.url, '--model', '../models/en-bilstm']);
    expect(byPath.code).toBe(2);
    expect(byPath.output).toMatch(/--model '..\/models\/en-bilstm' is not a plain name/);
    const missing = await earshotRun(['transcribe', path.join(audio, 'talk-0.wav'), '--redis', redis.url, '--model', 'no-such-model']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatch(/model 'no-such-model' is not installed on worker/);
  }, 60_000);

  it('completes a batch once Redis is back from a restart in the middle of it', async () => {
    const run = earshot(['transcribe', audio, '--redis', redis.url]);
    await run.waitFor(/transcribe: batch/);
    while (!run.stdout().includes('\n')) await sleep(50);
    await redis.stop();
    await sleep(1500);
    await redis.restart();
    const { code } = await run.exited;
    expect(code).toBe(1);
    const files = run.stdout().trim().split('\n').map((l) => JSON.parse(l).file as string).sort();
    expect(files).toEqual((await readdir(audio)).sort().map((f) => path.join(audio, f)));
    for (const w of workers) expect(w.process.exitCode).toBeNull();
  }, 180_000);

  it('retries the job of a worker killed with SIGKILL on the other one, and writes every output once', async () => {
    const out = path.join(tmp, 'killed');
    const run = earshot(['transcribe', audio, '--redis', redis.url, '--out', out, '--format', 'txt,json']);
    const [victim, survivor] = workers as [Child, Child];
    while ((await metric(victim, 'earshot_sessions_active')) !== 1) await sleep(100);
    const startedBefore = (await metric(survivor, 'earshot_sessions_total'))!;
    await victim.kill('SIGKILL');
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(await readTree(out)).toEqual(local);
    expect(run.output.match(/error: /g)).toHaveLength(1);
    expect(run.output).toMatch(/transcribe 6\/6 files \(1 failed\)/);
    // The survivor ran the victim's job as well as its own share.
    const startedAfter = (await metric(survivor, 'earshot_sessions_total'))!;
    expect(startedAfter - startedBefore).toBeGreaterThan(0);
  }, 180_000);
});
