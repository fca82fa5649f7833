export type { AcousticModel, ForwardState, WindowOutput } from './acoustic-model.js';
export { ModelLoadError, readModelMetadata, type ModelMetadata } from './metadata.js';
export { OnnxAcousticModel, type ExecutionProvider, type ModelOptions } from './onnx-model.js';
