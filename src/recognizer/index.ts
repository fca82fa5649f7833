export { DEFAULT_ENDPOINT_RULES, type EndpointRules } from './endpoint.js';
export { DEFAULT_MODEL_DIR, LM_BINARY_FILE, LM_FILE, loadModelLanguageModel, Model, readLexicon, unwritableLmWarning, type LoadOptions } from './model.js';
export { RecognitionModel, type DecoderSettings } from './recognition-model.js';
export type { Alternative, FinalResult, PartialResult, WordResult } from './results.js';
export { RecognizerStream, type StreamOptions } from './stream.js';
export { transcribeSamples, type Segment, type Transcript } from './transcribe.js';
