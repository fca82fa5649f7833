export { BEAM_SEARCH_DEFAULTS, BeamSearchDecoder, type BeamSearchOptions } from './beam-search.js';
export { DEFAULT_MIN_INTENT_CONFIDENCE } from './context-ranking.js';
export { UNKNOWN_PHRASE } from './grammar.js';
export { GreedyDecoder } from './greedy.js';
export { DEFAULT_HOTWORD_BOOST } from './hotwords.js';
export type { CtcDecoder, DecodedWord, DecoderSession, Hotword, Hypothesis, Intent, SessionOptions } from './types.js';
export { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
