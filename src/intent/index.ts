export { CompiledContext, MAX_GRAPH_STATES, type IntentMatch } from './compile.js';
export { compileContext, parseContext, type CompileOptions } from './context.js';
export { ContextError } from './errors.js';
export type { SlotValueType } from './template.js';
export { WordGraph, type Marker } from './word-graph.js';
