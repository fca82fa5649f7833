export { BEAM_SEARCH_DEFAULTS, BeamSearchDecoder, type BeamSearchOptions } from './beam-search.js';
export { DEFAULT_MIN_INTENT_CONFIDENCE } from './context-ranking.js';
export { GreedyDecoder } from './greedy.js';
export { DEFAULT_HOTWORD_BOOST } from './hotwords.js';
export type { CtcDecoder, DecodedWord, DecoderSession, Hotword, Hypothesis, Intent, SessionOptions } from './types.js';
export { CharacterSpelling, phraseWords, PronunciationSpelling, UnknownWordError, unwritableWords, type Spelling } from './spelling.js';
export { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
export { UNKNOWN_PHRASE } from './words.js';
