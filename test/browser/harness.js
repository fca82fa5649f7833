// A page for the browser tests: the bundle's API, and the same feeding loop as test/browser/recognise.ts in Node.
import * as earshot from '/earshot.js';

window.earshot = earshot;
const models = new Map();

/** Loads the model once per URL and options; resolves to its load time in ms. */
window.loadModel = async (url, options = {}) => {
  const started = performance.now();
  models.set(url, await earshot.Model.load(url, options));
  return performance.now() - started;
};

/**
 * Feeds samples in `chunk`-sample pieces, as a microphone would (`realTime`: no faster than one),
 * and returns every result in order (a partial after each piece, the finals of endpoints, then the
 * stream's final), the time it took and when the first words showed.
 */
window.recognise = async (url, samples, { chunk = 1600, context, realTime = false, ...options } = {}) => {
  const stream = models.get(url).createStream({ ...options, context: context && earshot.compileContext(context) });
  const audio = Float32Array.from(samples);
  const results = [];
  const started = performance.now();
  let firstWordsMs;
  for (let i = 0; i < audio.length; i += chunk) {
    const due = started + ((i + chunk) / 16000) * 1000;
    if (realTime) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    if (await stream.acceptWaveform(audio.subarray(i, i + chunk))) while (stream.pendingFinals() > 0) results.push(stream.result());
    else results.push(stream.partialResult());
    firstWordsMs ??= results.at(-1).partial || results.at(-1).text ? performance.now() - started : undefined;
  }
  results.push(await stream.finalResult());
  return { results, ms: performance.now() - started, firstWordsMs };
};
