import { open, readFile } from 'node:fs/promises';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { MPEGDecoder } from 'mpg123-decoder';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { AudioDecodeError } from './errors.js';
import { decodeFileWithFfmpeg, decodeWithFfmpeg } from './ffmpeg.js';
import { SAMPLE_RATE, type AudioWithWarning, type DecodedAudio } from './format.js';
import { resample } from './resample.js';
import { cutShortWarning, flacDeclaredSamples, mp3Extent, oggExtent, truncationWarning } from './truncation.js';
import { decodeWav } from './wav.js';

type Container = 'wav' | 'ogg-opus' | 'ogg-vorbis' | 'flac' | 'mp3';

/** What the wasm-audio-decoders packages return. */
interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

interface WasmDecoder {
  ready: Promise<void>;
  free(): void;
}

/** Enough of a file's start for detectContainer: an Ogg page header of 255 segments, then the first packet's 8-byte codec name. */
const HEAD_BYTES = 27 + 255 + 8;

/**
 * Reads and decodes an audio file to mono SAMPLE_RATE samples. Only its start is read to tell the
 * format, so a file left to ffmpeg (a long video, say) is read by ffmpeg alone.
 */
export async function decodeAudioFile(path: string): Promise<Float32Array> {
  return (await decodeAudioFileWithWarning(path)).samples;
}

/** decodeAudioFile, and a warning when the file was cut short. */
export async function decodeAudioFileWithWarning(path: string): Promise<AudioWithWarning> {
  const container = detectContainer(await readOrFail(path, readHead));
  if (!container) return toModelRate(await decodeFileWithFfmpeg(path, path));
  return toModelRate(await decodeContainer(container, await readOrFail(path, readFile), path));
}

async function readOrFail(path: string, read: (path: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await read(path);
  } catch (error) {
    throw new AudioDecodeError(path, `cannot read file: ${messageOf(error)}`);
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Decodes audio bytes to mono SAMPLE_RATE samples. WAV, Ogg Opus, Ogg Vorbis, FLAC and MP3,
 * recognised by their leading bytes, are decoded here; anything else goes to ffmpeg when it is
 * installed. `file` names the source in errors.
 */
export async function decodeAudio(bytes: Uint8Array, file: string): Promise<Float32Array> {
  return (await decodeAudioWithWarning(bytes, file)).samples;
}

/** decodeAudio, and a warning when the file was cut short. */
export async function decodeAudioWithWarning(bytes: Uint8Array, file: string): Promise<AudioWithWarning> {
  const container = detectContainer(bytes);
  return toModelRate(container ? await decodeContainer(container, bytes, file) : await decodeWithFfmpeg(bytes, file));
}

function toModelRate({ samples, sampleRate, warning }: DecodedAudio): AudioWithWarning {
  const resampled = resample(samples, sampleRate, SAMPLE_RATE);
  return warning === undefined ? { samples: resampled } : { samples: resampled, warning };
}

async function decodeContainer(container: Container, bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  switch (container) {
    case 'wav':
      return decodeWav(bytes, file);
    case 'ogg-opus':
      return decodeOgg(new OggOpusDecoder(), bytes, file);
    case 'ogg-vorbis':
      return decodeOgg(new OggVorbisDecoder(), bytes, file);
    case 'flac':
      return decodeFlac(bytes, file);
    case 'mp3':
      return decodeMp3(bytes, file);
  }
}

/** Decodes an Ogg file's whole pages; a stream without its end-of-stream page was cut short. */
async function decodeOgg(decoder: OggOpusDecoder | OggVorbisDecoder, bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const { wholeBytes, endOfStream } = oggExtent(bytes);
  const audio = await decodeWithWasm(decoder, (d) => d.decodeFile(bytes.subarray(0, wholeBytes)), file);
  if (endOfStream) return audio;
  return { ...audio, warning: cutShortWarning('the Ogg stream stops before its end-of-stream page', seconds(audio)) };
}

async function decodeFlac(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const audio = await decodeWithWasm(new FLACDecoder(), (decoder) => decoder.decodeFile(bytes), file);
  const declared = flacDeclaredSamples(bytes);
  if (declared === undefined || audio.samples.length >= declared) return audio;
  return { ...audio, warning: truncationWarning(declared / audio.sampleRate, seconds(audio)) };
}

/** Decoded MP3 may fall short of the Xing/Info frame count by the encoder's delay and padding: at most this many frames. */
const MP3_SLACK_FRAMES = 3;

async function decodeMp3(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const audio = await decodeWithWasm(new MPEGDecoder(), (decoder) => decoder.decode(bytes), file);
  const { declaredSeconds, frameSeconds, lastFrameCut } = mp3Extent(bytes);
  const held = seconds(audio);
  if (declaredSeconds !== undefined && held < declaredSeconds - MP3_SLACK_FRAMES * frameSeconds) {
    return { ...audio, warning: truncationWarning(declaredSeconds, held) };
  }
  return lastFrameCut ? { ...audio, warning: cutShortWarning('its last MP3 frame is cut off', held) } : audio;
}

function seconds(audio: DecodedAudio): number {
  return audio.samples.length / audio.sampleRate;
}

function detectContainer(bytes: Uint8Array): Container | undefined {
  if (startsWith(bytes, 'RIFF')) return 'wav';
  if (startsWith(bytes, 'OggS')) return oggCodec(bytes);
  if (startsWith(bytes, 'fLaC')) return 'flac';
  if (startsWith(bytes, 'ID3') || isMpegAudioFrameHeader(bytes)) return 'mp3';
  return undefined;
}

/** An Ogg stream's codec, from the identification header its first page carries. */
function oggCodec(bytes: Uint8Array): Container | undefined {
  const segments = bytes[26] ?? 0;
  const packet = bytes.subarray(27 + segments);
  if (startsWith(packet, 'OpusHead')) return 'ogg-opus';
  if (startsWith(packet, '\x01vorbis')) return 'ogg-vorbis';
  return undefined;
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= magic.length && [...magic].every((char, i) => bytes[i] === char.charCodeAt(0));
}

/** 11-bit frame sync, then an MPEG version and layer that are not the reserved values (which also rules out AAC's ADTS). */
function isMpegAudioFrameHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0xff || (bytes[1] & 0xe0) !== 0xe0) return false;
  const version = (bytes[1] >> 3) & 3;
  const layer = (bytes[1] >> 1) & 3;
  return version !== 1 && layer !== 0;
}

async function decodeWithWasm<Decoder extends WasmDecoder>(
  decoder: Decoder,
  decode: (decoder: Decoder) => WasmDecoded | Promise<WasmDecoded>,
  file: string,
): Promise<DecodedAudio> {
  let decoded: WasmDecoded;
  try {
    await decoder.ready;
    decoded = await decode(decoder);
  } catch (error) {
    throw new AudioDecodeError(file, `decoder failed: ${messageOf(error)}`);
  } finally {
    decoder.free();
  }
  const [firstError] = decoded.errors;
  if (firstError) throw new AudioDecodeError(file, `${decoded.errors.length} corrupt frame(s), first: ${firstError.message}`);
  if (decoded.samplesDecoded === 0) throw new AudioDecodeError(file, 'no audio samples decoded');
  return { samples: downmix(decoded.channelData, decoded.samplesDecoded), sampleRate: decoded.sampleRate };
}

function downmix(channels: Float32Array[], length: number): Float32Array {
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i] += channel[i] / channels.length;
  }
  return mono;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
