// Speech to intent: command acceptance (intent and every slot right) in noise, false acceptance on
// out-of-context speech, and CPU against greedy decoding, for the contexts in contexts/.
//
//   npm run build && node bench/intents.mjs --limit 20
//
// Commands are random paths through each context, spoken by synthetic voices (flite kal, slt, rms,
// awb; espeak-ng en-us); real single command words (speechcommands, 239 speakers); and real census
// entries (AN4 test: answers, digit strings, spelled names, dates; speakers no model trained on) that
// contexts/census.rhino.yml holds. Noise is
// speechcommands' background noise, mixed as Picovoice's speech-to-intent benchmark mixes it: the
// SNR is the ratio of the loudest 2048-sample frame's energy in the speech and in the noise.
// Out-of-context speech: speechocean762 dev sentences decoded against the smart-home contexts.
// pocketsphinx_batch decodes the same clips with each context as a JSGF grammar (no rejection).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileContext, decodeAudioFile, Model, transcribeSamples } from '../dist/index.js';
import { measure, prepareSet, requireCommands, ROOT, SHARED } from './common.mjs';
import { seededRandom } from './fuzz/mutations.mjs';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '20' },
    oov: { type: 'string', default: '40' },
    snr: { type: 'string', default: 'clean,24,18,12,6' },
  },
});
requireCommands({ flite: 'flite', 'espeak-ng': 'espeak-ng', opusdec: 'opus-tools', pocketsphinx_batch: 'pocketsphinx' });
const LIMIT = Number(values.limit);
const CONDITIONS = values.snr.split(',').map((s) => (s === 'clean' ? null : Number(s)));
const CACHE = path.join(ROOT, 'cache', 'intents');
mkdirSync(CACHE, { recursive: true });

const VOICES = [
  { name: 'flite-kal', say: (text, wav) => execFileSync('flite', ['-voice', 'kal', '-t', text, '-o', wav]) },
  { name: 'flite-slt', say: (text, wav) => execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', wav]) },
  { name: 'flite-rms', say: (text, wav) => execFileSync('flite', ['-voice', 'rms', '-t', text, '-o', wav]) },
  { name: 'flite-awb', say: (text, wav) => execFileSync('flite', ['-voice', 'awb', '-t', text, '-o', wav]) },
  { name: 'espeak-en-us', say: (text, wav) => execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav, text]) },
];

const VOICE_CONTROL = `context:
  expressions:
    move:
      - "(go) $direction:direction"
    power:
      - "(turn) $state:state"
    answer:
      - "$answer:answer"
    halt:
      - "stop"
    start:
      - "go"
  slots:
    direction: ["up", "down", "left", "right"]
    state: ["on", "off"]
    answer: ["yes", "no"]
`;

/** A random sentence of the context: a walk from start to final, each arc equally likely. */
function sampleSentence(graph, next) {
  const words = [];
  for (let state = graph.start; state !== graph.final; ) {
    const arcs = [...graph.epsilons[state], ...graph.words[state]];
    const arc = arcs[Math.floor(next() * arcs.length)];
    if (arc.word) words.push(arc.word);
    state = arc.to;
  }
  return words;
}

function synthesize(words, voice) {
  const text = words.join(' ');
  const wav = path.join(CACHE, `${voice.name}-${text.replace(/[^a-z]+/g, '_')}.wav`);
  if (!existsSync(wav)) voice.say(text, wav);
  return wav;
}

async function noiseBed() {
  const dir = path.join(SHARED, 'corpora', 'speechcommands', 'audio', 'silence');
  const pieces = [];
  for (const file of readdirSync(dir).sort().slice(0, 60)) {
    const wav = path.join(CACHE, `noise-${file}.wav`);
    if (!existsSync(wav)) execFileSync('opusdec', ['--quiet', '--rate', '16000', path.join(dir, file), wav]);
    pieces.push(await decodeAudioFile(wav));
  }
  const bed = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) bed.set(p, (at += p.length) - p.length);
  return bed;
}

const FRAME = 2048;
function loudestFrameEnergy(x) {
  let best = 0;
  for (let i = 0; i + FRAME <= Math.max(x.length, FRAME); i += FRAME) {
    let e = 0;
    for (let j = i; j < Math.min(i + FRAME, x.length); j++) e += x[j] * x[j];
    best = Math.max(best, e);
  }
  return best;
}

/** Speech with 0.5 s around it, plus noise scaled to `snr` dB by the loudest frames' energies. */
function mix(speech, bed, snr, next) {
  const pad = 8000;
  const out = new Float32Array(speech.length + 2 * pad);
  out.set(speech, pad);
  if (snr === null) return out;
  const start = Math.floor(next() * (bed.length - out.length));
  const noise = bed.subarray(start, start + out.length);
  const gain = Math.sqrt(loudestFrameEnergy(speech) / (loudestFrameEnergy(noise) * 10 ** (snr / 10)));
  for (let i = 0; i < out.length; i++) out[i] += gain * noise[i];
  return out;
}

/**
 * The word graph as a JSGF grammar, minimised: a rule per set of word sequences that can follow a
 * state (its epsilon closure's word arcs, <NULL> where that holds the final state), so states with the
 * same future share one rule, and each rule names each next rule once: pocketsphinx copies a rule
 * wherever it is named, so a rule per graph state (census.rhino.yml has 3,600) or a word per
 * alternative ran out of memory. Context graphs have no cycles.
 */
function jsgf(graph) {
  const ruleOfBody = new Map();
  const ruleOfState = new Map();
  const ruleFor = (state) => {
    if (ruleOfState.has(state)) return ruleOfState.get(state);
    const closure = graph.epsilonClosure([state]);
    const wordsByNext = new Map();
    for (const arc of closure.flatMap((t) => graph.words[t])) {
      const next = ruleFor(arc.to);
      if (!wordsByNext.has(next)) wordsByNext.set(next, new Set());
      wordsByNext.get(next).add(arc.word);
    }
    const alternatives = [...wordsByNext].map(([next, words]) => `(${[...words].sort().join(' | ')}) <r${next}>`).sort();
    if (closure.includes(graph.final)) alternatives.push('<NULL>');
    const body = alternatives.join(' | ');
    if (!ruleOfBody.has(body)) ruleOfBody.set(body, ruleOfBody.size);
    ruleOfState.set(state, ruleOfBody.get(body));
    return ruleOfBody.get(body);
  };
  const start = ruleFor(graph.start);
  const rules = [...ruleOfBody].map(([body, rule]) => `<r${rule}> = ${body};`);
  return `#JSGF V1.0;\ngrammar context;\npublic <command> = <r${start}>;\n${rules.join('\n')}\n`;
}

/** 16-bit mono 16 kHz WAV bytes. */
function wavBytes(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const same = (intent, expected) =>
  intent !== null && expected !== null && intent.name === expected.intent && JSON.stringify(sortKeys(intent.slots)) === JSON.stringify(sortKeys(expected.slots));
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

function cpuSeconds(start) {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

const model = await Model.load(undefined, { lm: false });
const bed = await noiseBed();
const next = seededRandom(7);
const KINDS = ['synthetic', 'speechcommands', 'an4'];
const byKindAndCondition = () => Object.fromEntries(KINDS.map((k) => [k, new Map(CONDITIONS.map((c) => [c, []]))]));
/** Per kind of speech and condition: [confidence of a right intent, or -1] per command. */
const scores = byKindAndCondition();
const cpu = { greedy: 0, context: 0, audio: 0 };

/** Every clip earshot heard, by context, for pocketsphinx to hear too. */
const heard = [];

async function run(context, samples, expected, condition, kind) {
  const clip = mix(samples, bed, condition, next);
  if (heard.at(-1)?.context !== context) heard.push({ context, kind, clips: [] });
  heard.at(-1).clips.push({ clip, expected, condition });
  let start = process.cpuUsage();
  const result = await transcribeSamples(model, clip, { context, minIntentConfidence: 0 });
  cpu.context += cpuSeconds(start);
  start = process.cpuUsage();
  await transcribeSamples(model, clip);
  cpu.greedy += cpuSeconds(start);
  cpu.audio += clip.length / 16000;
  scores[kind].get(condition).push(same(result.intent, expected) ? result.intent.confidence : -1);
  return result;
}

const contexts = ['smart-home.rhino.yml', 'smart-home.hassil.yml', 'media-player.rhino.yml', 'media-player.hassil.yml'];
for (const [k, file] of contexts.entries()) {
  const context = compileContext(readFileSync(path.join(ROOT, 'contexts', file), 'utf8'), { file });
  for (let i = 0; i < LIMIT; i++) {
    const words = sampleSentence(context.graph, next);
    const samples = await decodeAudioFile(synthesize(words, VOICES[(i + k) % VOICES.length]));
    for (const condition of CONDITIONS) await run(context, samples, context.parse(words), condition, 'synthetic');
  }
  process.stderr.write(`${file}: ${LIMIT} commands\n`);
}

// Real speech: speechcommands' command words, evenly spaced through the manifest (many speakers), from
// the speakers training leaves out (ids starting 0-3, training/corpora.py HELD_OUT_SPEAKER_PREFIXES).
const voiceControl = compileContext(VOICE_CONTROL);
const commandRows = readFileSync(path.join(SHARED, 'corpora', 'speechcommands', 'manifest.tsv'), 'utf8')
  .trim().split('\n').slice(1).map((l) => l.split('\t'))
  .filter(([, text, speaker]) => /^[0-3]/.test(speaker) && ['up', 'down', 'left', 'right', 'on', 'off', 'yes', 'no', 'stop', 'go'].includes(text));
for (let i = 0; i < LIMIT * 2; i++) {
  const [audio, text] = commandRows[Math.floor((i * commandRows.length) / (LIMIT * 2))];
  const wav = path.join(CACHE, audio.replace(/[/.]/g, '_') + '.wav');
  if (!existsSync(wav)) execFileSync('opusdec', ['--quiet', '--rate', '16000', path.join(SHARED, 'corpora', 'speechcommands', audio), wav]);
  const samples = await decodeAudioFile(wav);
  for (const condition of CONDITIONS) await run(voiceControl, samples, voiceControl.parse([text]), condition, 'speechcommands');
}
process.stderr.write(`speechcommands: ${LIMIT * 2} words\n`);

const census = compileContext(readFileSync(path.join(ROOT, 'contexts', 'census.rhino.yml'), 'utf8'), { file: 'census.rhino.yml' });
const censusEntries = prepareSet({ name: 'an4-test', corpus: 'an4', split: 'test' })
  .utterances.map((u) => ({ ...u, expected: census.parse(u.reference.split(' ')) })).filter((u) => u.expected);
for (const u of censusEntries) {
  const samples = await decodeAudioFile(u.wav);
  for (const condition of CONDITIONS) await run(census, samples, u.expected, condition, 'an4');
}
process.stderr.write(`an4: ${censusEntries.length} census entries\n`);

// The comparison: pocketsphinx (Debian's, en-us model) with the same contexts as JSGF grammars, on the same clips.
const sphinx = { ...byKindAndCondition(), cpu: 0, audio: 0 };
for (const { context, kind, clips } of heard) {
  const dir = path.join(CACHE, 'pocketsphinx');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  clips.forEach((c, i) => writeFileSync(path.join(dir, `c${i}.wav`), wavBytes(c.clip)));
  writeFileSync(path.join(dir, 'ctl.txt'), clips.map((_, i) => `c${i}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'context.gram'), jsgf(context.graph));
  const model = '/usr/share/pocketsphinx/model/en-us';
  const run = await measure('pocketsphinx_batch', [
    '-adcin', 'yes', '-cepdir', dir, '-cepext', '.wav', '-ctl', path.join(dir, 'ctl.txt'), '-hyp', path.join(dir, 'hyp.txt'),
    '-hmm', `${model}/en-us`, '-jsgf', path.join(dir, 'context.gram'), '-dict', `${model}/cmudict-en-us.dict`,
  ]);
  sphinx.cpu += run.cpu;
  const hyps = new Map();
  for (const line of readFileSync(path.join(dir, 'hyp.txt'), 'utf8').split('\n')) {
    const m = /^(.*?) ?\((c\d+) -?\d+\)$/.exec(line);
    if (m) hyps.set(m[2], m[1]);
  }
  clips.forEach((c, i) => {
    const words = (hyps.get(`c${i}`) ?? '').split(' ').filter(Boolean);
    const match = context.parse(words);
    sphinx[kind].get(c.condition).push(same(match && { name: match.intent, slots: match.slots }, c.expected) ? 1 : -1);
    sphinx.audio += c.clip.length / 16000;
  });
}

// Out of context: sentences of speechocean762 dev against the smart-home contexts.
const oov = [];
const oovSet = prepareSet({ name: 'so762-dev', corpus: 'speechocean762', split: 'dev' }, Number(values.oov));
const homes = contexts.slice(0, 2).map((f) => compileContext(readFileSync(path.join(ROOT, 'contexts', f), 'utf8')));
for (const [i, u] of oovSet.utterances.entries()) {
  const result = await transcribeSamples(model, await decodeAudioFile(u.wav), { context: homes[i % 2], minIntentConfidence: 0 });
  oov.push(result.intent ? result.intent.confidence : -1);
}
await model.release();

const THRESHOLDS = [0, 0.15, 0.2, 0.25, 0.3, 0.4];
const rate = (list, t) => (100 * list.filter((c) => c >= t && c >= 0).length) / list.length;
const label = (c) => (c === null ? 'clean' : `${c} dB`);
console.log(`\nCommand acceptance (intent and every slot right), % of commands, by rejection threshold (minIntentConfidence)`);
console.log(`synthetic: ${LIMIT} random commands of each of ${contexts.length} contexts, ${VOICES.length} voices; ` +
  `speechcommands: ${LIMIT * 2} words; an4: ${censusEntries.length} census entries`);
console.log(['condition', ...THRESHOLDS.map((t) => `t=${t}`)].join('\t'));
for (const kind of KINDS) {
  for (const condition of CONDITIONS) console.log([`${kind} ${label(condition)}`, ...THRESHOLDS.map((t) => rate(scores[kind].get(condition), t).toFixed(1))].join('\t'));
}
for (const kind of KINDS) {
  for (const condition of CONDITIONS) console.log([`pocketsphinx JSGF, ${kind} ${label(condition)}`, rate(sphinx[kind].get(condition), 0).toFixed(1)].join('\t'));
}
console.log([`false acceptance, ${oov.length} so762 sentences`, ...THRESHOLDS.map((t) => rate(oov, t).toFixed(1))].join('\t'));
console.log(`\nCPU per second of audio: context ${(cpu.context / cpu.audio).toFixed(4)} s, greedy ${(cpu.greedy / cpu.audio).toFixed(4)} s (x${(cpu.context / cpu.greedy).toFixed(3)}), pocketsphinx JSGF ${(sphinx.cpu / sphinx.audio).toFixed(4)} s`);
