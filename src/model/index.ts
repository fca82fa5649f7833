export type { AcousticModel, ForwardState, WindowOutput } from './acoustic-model.js';
export { LEXICON_FILE, ModelLoadError, parseModelMetadata, type ModelMetadata } from './metadata.js';
export { readModelMetadata } from './metadata-file.js';
export { OnnxAcousticModel, type ExecutionProvider, type ModelOptions } from './onnx-model.js';
