export { decodeAudio, decodeAudioFile, decodeAudioFileWithWarning, decodeAudioWithWarning } from './decode.js';
export { AudioDecodeError } from './errors.js';
export { SAMPLE_RATE, type AudioWithWarning, type DecodedAudio } from './format.js';
export { boostQuietAudio } from './level.js';
export { Microphone, MicrophoneError, type MicrophoneOptions, type Recorder } from './microphone.js';
export { PcmStream, type PcmEncoding } from './pcm-stream.js';
export { resample, StreamingResampler } from './resample.js';
export { decodeWav } from './wav.js';
