export { BEAM_SEARCH_DEFAULTS, BeamSearchDecoder, type BeamSearchOptions } from './beam-search.js';
export { UNKNOWN_PHRASE } from './grammar.js';
export { GreedyDecoder } from './greedy.js';
export { DEFAULT_HOTWORD_BOOST } from './hotwords.js';
export type { CtcDecoder, DecodedWord, DecoderSession, Hotword, Hypothesis, SessionOptions } from './types.js';
export { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
