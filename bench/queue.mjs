// Batch throughput through the BullMQ queue against a local run of the same files, in the same run:
// `earshot transcribe FILES --threads N` here, then the same files through `transcribe --redis`
// with N workers of one thread each (fresh, so their first job loads the model as a local
// thread's does; the worker processes' own start is not timed: they are long-running). The
// queue's overhead is its wall time over the local run's at the same parallelism. With --repeat R
// each pair runs R times, local and queued in turn, and the medians are compared (the machine's
// other load drifts).
// A redis-server of its own runs on a free loopback port, data in a temp dir.
//
//   npm run build && node bench/queue.mjs [--limit 40] [--workers 1,2] [--repeat 1]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { argValue, audioSeconds, DEV_SETS, EARSHOT, prepareSet, ROOT, table } from './common.mjs';

const limit = Number(argValue('--limit', 40));
const workerCounts = argValue('--workers', '1,2').split(',').map(Number);
const repeat = Number(argValue('--repeat', 1));
const set = prepareSet(DEV_SETS[2], limit);
const files = set.utterances.map((u) => u.wav);
const seconds = audioSeconds(set);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'earshot-bench-queue-'));

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = probe.address();
    probe.close(() => resolve(p));
  });
});
const url = `redis://127.0.0.1:${port}`;
const redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', tmp, '--save', '', '--appendonly', 'yes']);
await redis.waitFor(/Ready to accept connections/);

const rows = [];
try {
  for (const n of workerCounts) {
    const locals = [];
    const queues = [];
    for (let r = 0; r < repeat; r++) {
      locals.push(await timed(['transcribe', ...files, '--threads', String(n), '--out', path.join(tmp, `local-${n}-${r}`)]));
      queues.push(await queuedRun(n, path.join(tmp, `queued-${n}-${r}`)));
    }
    const [local, queued] = [median(locals), median(queues)];
    rows.push([`local --threads ${n}`, local.toFixed(1), (seconds / local).toFixed(1), '']);
    rows.push([`queue, ${n} worker${n > 1 ? 's' : ''}`, queued.toFixed(1), (seconds / queued).toFixed(1), `${(100 * (queued / local - 1)).toFixed(1)}%`]);
  }
} finally {
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${set.name}: ${files.length} files, ${seconds.toFixed(0)} s of audio, ${os.availableParallelism()} cores, median of ${repeat}\n`);
console.log(table(['run', 'wall s', 'x real time', 'queue overhead'], rows));

/** Wall seconds of a queued run with `n` fresh one-thread workers. */
async function queuedRun(n, out) {
  const workers = Array.from({ length: n }, () => start('node', [EARSHOT, 'worker', '--redis', url, '--threads', '1', '--port', '0']));
  await Promise.all(workers.map((w) => w.waitFor(/taking jobs/)));
  const wall = await timed(['transcribe', ...files, '--redis', url, '--out', out]);
  await Promise.all(workers.map((w) => w.stop()));
  return wall;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall seconds of one earshot command, which must succeed. */
async function timed(args) {
  const started = performance.now();
  const child = start('node', [EARSHOT, ...args]);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`earshot ${args[0]} failed:\n${child.output().slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

function start(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('close', (code) => resolve({ code })));
  return {
    exited,
    output: () => output,
    async waitFor(pattern) {
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`${command} ended:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
