/**
 * earshot in the browser (`earshot/web`): the same features, decoder, LM and streams as in Node,
 * with the acoustic model on onnxruntime-web.
 *
 *   const model = await Model.load('models/en-bilstm/', { onProgress: (p) => console.log(p.loaded) });
 *   const mic = await MicrophoneStream.start(model, { onPartial: console.log, onFinal: console.log });
 *
 * docs/web.md is the full reference.
 */
export { Model, WEB_LM_FILE, type LoadProgress, type WebLoadOptions } from './model.js';
export { MicrophoneStream, type MicrophoneOptions } from './microphone-stream.js';
export { MODEL_CACHE } from './fetch-file.js';
export { RecognitionModel, type DecoderSettings } from '../recognizer/recognition-model.js';
export { RecognizerStream, type StreamOptions } from '../recognizer/stream.js';
export { DEFAULT_ENDPOINT_RULES, type EndpointRules } from '../recognizer/endpoint.js';
export type { Alternative, FinalResult, PartialResult, WordResult } from '../recognizer/results.js';
export { transcribeSamples, type Segment, type Transcript } from '../recognizer/transcribe.js';
export { compileContext, CompiledContext, ContextError, type CompileOptions } from '../intent/index.js';
export { DEFAULT_HOTWORD_BOOST, DEFAULT_MIN_INTENT_CONFIDENCE, UNKNOWN_PHRASE, type Hotword, type Intent } from '../decoder/index.js';
export { ModelLoadError, type ModelMetadata } from '../model/metadata.js';
export type { WebModelOptions } from '../model/onnx-model-web.js';
