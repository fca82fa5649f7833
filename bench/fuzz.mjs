// Fuzzing, as figures: mutated WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3 files through the decoders
// (each in a worker thread under a time limit), then random, truncated and oversized WebSocket
// frames, JSON messages, uploads and multipart bodies over real sockets to a real server on
// 127.0.0.1, with well-formed sessions beside them. Exits 1 if any case failed.
//   npm run build && node bench/fuzz.mjs [--seed N] [--decoder-cases 2000] [--server-cases 10000] [--lm]
// --decoder-cases is per format (0 skips the decoders), --server-cases in all (0 skips the server).
// Needs sox, opusenc, lame and ffmpeg for the seed files (.ci/install-system).
import { argValue } from './common.mjs';
import { fuzzDecoders, seedFiles } from './fuzz/decoders.mjs';
import { fuzzServer, LIMITS } from './fuzz/server.mjs';

const seed = Number(argValue('--seed', 1));
const decoderCases = Number(argValue('--decoder-cases', 2000));
const serverCases = Number(argValue('--server-cases', 10000));
const seeds = seedFiles();
let failed = false;

if (decoderCases > 0) {
  const started = performance.now();
  const figures = await fuzzDecoders({ seed, casesPerFormat: decoderCases, seeds });
  console.log(`decoders: ${decoderCases} mutated files per format, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log('format       cases  decoded  warned  rejected  failed  slowest  library console lines');
  for (const [format, f] of Object.entries(figures)) {
    console.log(`${format.padEnd(11)} ${String(f.cases).padStart(6)} ${String(f.decoded).padStart(8)} ${String(f.warned).padStart(7)} ${String(f.rejected).padStart(9)} ${String(f.failures.length).padStart(7)} ${f.slowestMs.toFixed(0).padStart(6)} ms ${String(f.consoleLines).padStart(8)}`);
    for (const failure of f.failures.slice(0, 5)) console.log(`  FAILED case ${failure.index} (${failure.bytes} bytes): ${failure.kind}: ${failure.message}`);
    const reasons = Object.entries(f.reasons).sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`  most common rejections: ${reasons.map(([reason, n]) => `${n}x "${reason}"`).join('; ')}`);
    failed ||= f.failures.length > 0;
  }
}

if (serverCases > 0) {
  const lm = process.argv.includes('--lm');
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const r = await fuzzServer({ seed, cases: serverCases, lm, seeds: Object.values(seeds).flat(), onProgress: (n) => n % 2000 === 0 && process.stderr.write(`server: ${n}/${serverCases} cases\n`) });
  const first = r.memory[0];
  const last = r.memory.at(-1);
  const growth = last.rss / first.rss - 1;
  console.log(`\nserver: ${r.cases} cases, seed ${seed}, ${r.seconds.toFixed(0)} s, limits ${JSON.stringify(LIMITS)}${lm ? ', with the LM' : ''}`);
  for (const [outcome, n] of Object.entries(r.outcomes).sort()) console.log(`  ${String(n).padStart(6)}  ${outcome}`);
  console.log(`  server up afterwards: ${r.serverUp}; sessions still listed live: ${r.stillLive}`);
  console.log(`  well-formed sessions beside them: ${r.wellFormed.right}/${r.wellFormed.run} got the right final ("${r.expected}")`);
  for (const wrong of r.wellFormed.wrong.slice(0, 5)) console.log(`    WRONG: ${wrong}`);
  console.log('  memory after a full GC:    cases      rss  heapUsed  external');
  for (const m of r.memory) console.log(`                         ${String(m.cases).padStart(8)} ${mb(m.rss).padStart(8)} ${mb(m.heapUsed).padStart(9)} ${mb(m.external).padStart(9)}`);
  console.log(`  RSS ${mb(first.rss)} before, ${mb(last.rss)} after: ${(growth * 100).toFixed(1)}% (limit 10%)`);
  const stderr = r.serverStderr.split('\n').filter(Boolean);
  const others = stderr.filter((line) => !line.startsWith('libopus '));
  console.log(`  server stderr: ${stderr.length - others.length} lines from opus-decoder's console.error, ${others.length} others`);
  for (const line of others.slice(0, 10)) console.log(`    ${line}`);
  failed ||= !r.serverUp || r.wellFormed.right !== r.wellFormed.run || growth > 0.1 || r.stillLive !== 0 || others.length > 0;
}

process.exitCode = failed ? 1 : 0;
