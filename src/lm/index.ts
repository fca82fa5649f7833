export { ArpaFormatError, formatArpa, parseArpa, type ArpaNgram } from './arpa.js';
export { BinaryLmFormatError } from './binary.js';
export { buildArpa, buildKneserNey, FALLBACK_DISCOUNTS, modifiedKneserNeyDiscounts, type Discounts, type KneserNeyOptions } from './build.js';
export { loadArpa, loadArpaViaBinary, loadLanguageModel, writeBinaryLm } from './load.js';
export {
  NgramLanguageModel,
  NO_WORD,
  OOV_LOG_PROB,
  SENTENCE_END,
  SENTENCE_START,
  UNKNOWN_WORD,
  type LmScore,
  type LmState,
} from './ngram-model.js';
