/**
 * earshot as a library: load a model once, create a stream per audio source.
 *
 *   const model = await Model.load();
 *   const stream = model.createStream({ sampleRate: 16000 });
 *   if (await stream.acceptWaveform(samples)) console.log(stream.result());
 *
 * docs/api.md is the full reference.
 */
export {
  DEFAULT_ENDPOINT_RULES,
  DEFAULT_MODEL_DIR,
  Model,
  RecognizerStream,
  transcribeSamples,
  type Alternative,
  type EndpointRules,
  type FinalResult,
  type LoadOptions,
  type PartialResult,
  type Segment,
  type StreamOptions,
  type Transcript,
  type WordResult,
} from './recognizer/index.js';
export {
  AudioDecodeError,
  decodeAudio,
  decodeAudioFile,
  decodeAudioFileWithWarning,
  decodeAudioWithWarning,
  Microphone,
  MicrophoneError,
  PcmStream,
  resample,
  SAMPLE_RATE,
  StreamingResampler,
  type AudioWithWarning,
  type MicrophoneOptions,
  type Recorder,
} from './audio/index.js';
export { computeFeatures, DEFAULT_FEATURES, FeatureStream, type FeatureConfig } from './features/index.js';
export {
  BEAM_SEARCH_DEFAULTS,
  BeamSearchDecoder,
  DEFAULT_HOTWORD_BOOST,
  DEFAULT_MIN_INTENT_CONFIDENCE,
  GreedyDecoder,
  UNKNOWN_PHRASE,
  type BeamSearchOptions,
  type CtcDecoder,
  type DecodedWord,
  type DecoderSession,
  type Hotword,
  type Hypothesis,
  type Intent,
  type SessionOptions,
} from './decoder/index.js';
export { ArpaFormatError, BinaryLmFormatError, loadArpa, loadArpaViaBinary, loadLanguageModel, NgramLanguageModel, writeBinaryLm } from './lm/index.js';
export { ModelLoadError, OnnxAcousticModel, type AcousticModel, type ExecutionProvider, type ModelMetadata, type ModelOptions } from './model/index.js';
export { CompiledContext, compileContext, ContextError, type CompileOptions, type SlotValueType } from './intent/index.js';
export { normalizeText } from './text/normalize.js';
export {
  CLOSE_CODES,
  createServer,
  localRelay,
  RedisRelay,
  SERVER_DEFAULTS,
  type AudioSource,
  type EventRelay,
  type RunningServer,
  type ServerOptions,
  type TranscriptEvent,
} from './server/index.js';
export { RecognitionMetrics } from './metrics/index.js';
