// Tells whether a file was cut short, from what its own headers say about its length. Pure: bytes in,
// a warning (or nothing) out; the decoders transcribe whatever audio is there either way.

/** The warning for a file whose header states a longer duration than the audio it holds. */
export function truncationWarning(declaredSeconds: number, heldSeconds: number): string {
  return `truncated: the header says ${declaredSeconds.toFixed(2)} s, the file holds ${heldSeconds.toFixed(2)} s`;
}

/** The warning for a file whose headers state no duration, only that more was to come. */
export function cutShortWarning(what: string, heldSeconds: number): string {
  return `truncated: ${what}, the file holds ${heldSeconds.toFixed(2)} s`;
}

const OGG_HEADER = 27;
const OGG_END_OF_STREAM = 0x04;

/** How far an Ogg file's whole pages reach, and whether the last of them ends its stream. */
export interface OggExtent {
  wholeBytes: number;
  endOfStream: boolean;
}

/**
 * Walks an Ogg file's pages from the start. A page cut off by the end of the file, or bytes that are not
 * a page, end the walk; the decoders are given only the whole pages, since a partial one makes
 * ogg-opus-decoder invent audio.
 */
export function oggExtent(bytes: Uint8Array): OggExtent {
  let offset = 0;
  let endOfStream = false;
  while (offset + OGG_HEADER <= bytes.length && isOggPage(bytes, offset)) {
    const segments = bytes[offset + 26]!;
    const bodyAt = offset + OGG_HEADER + segments;
    if (bodyAt > bytes.length) break;
    let body = 0;
    for (let i = 0; i < segments; i++) body += bytes[offset + OGG_HEADER + i]!;
    if (bodyAt + body > bytes.length) break;
    endOfStream = (bytes[offset + 5]! & OGG_END_OF_STREAM) !== 0;
    offset = bodyAt + body;
  }
  return { wholeBytes: offset, endOfStream };
}

function isOggPage(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === 0x4f && bytes[offset + 1] === 0x67 && bytes[offset + 2] === 0x67 && bytes[offset + 3] === 0x53;
}

/** STREAMINFO's total samples per channel, or undefined when it says 0 (unknown, as a streamed encoder writes). */
export function flacDeclaredSamples(bytes: Uint8Array): number | undefined {
  // 'fLaC', a 4-byte block header, then STREAMINFO: the total is the low 36 bits of its bytes 13-17.
  const info = 8;
  if (bytes.length < info + 18 || (bytes[4]! & 0x7f) !== 0) return undefined;
  const total = (bytes[info + 13]! & 0x0f) * 2 ** 32 + ((bytes[info + 14]! << 24) >>> 0) + (bytes[info + 15]! << 16) + (bytes[info + 16]! << 8) + bytes[info + 17]!;
  return total > 0 ? total : undefined;
}

interface MpegFrame {
  length: number;
  samples: number;
  sampleRate: number;
  /** Bytes from the frame's start to where a Xing/Info tag would begin. */
  tagAt: number;
}

const MPEG_BITRATES_KBPS: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG_SAMPLE_RATES = [44100, 48000, 32000];

/** The MPEG audio frame whose header starts at `offset`, or undefined where there is none (or a free-format one). */
function mpegFrame(bytes: Uint8Array, offset: number): MpegFrame | undefined {
  if (offset + 4 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xe0) !== 0xe0) return undefined;
  const versionBits = (bytes[offset + 1]! >> 3) & 3; // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
  const layer = 4 - ((bytes[offset + 1]! >> 1) & 3);
  const bitrateIndex = bytes[offset + 2]! >> 4;
  const rateIndex = (bytes[offset + 2]! >> 2) & 3;
  if (versionBits === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const mpeg1 = versionBits === 3;
  const bitrate = MPEG_BITRATES_KBPS[`${mpeg1 ? 1 : 2}-${layer}`]![bitrateIndex]! * 1000;
  const sampleRate = MPEG_SAMPLE_RATES[rateIndex]! / (mpeg1 ? 1 : versionBits === 2 ? 2 : 4);
  const padding = (bytes[offset + 2]! >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const length = layer === 1 ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4 : Math.floor((samples / 8) * bitrate / sampleRate) + padding;
  const mono = bytes[offset + 3]! >> 6 === 3;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return { length, samples, sampleRate, tagAt: 4 + sideInfo };
}

/** Bytes of an ID3v2 tag at the start of the file (0 when there is none). */
function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  return 10 + size + ((bytes[5]! & 0x10) !== 0 ? 10 : 0);
}

/** What an MP3 file's frames say about its length: a Xing/Info frame count, and whether the last frame is cut off. */
export interface Mp3Extent {
  /** Seconds the Xing/Info tag states, when there is one with a frame count. */
  declaredSeconds?: number;
  /** Seconds one frame lasts (0 when there is no frame). */
  frameSeconds: number;
  /** Whether the frame walk ran into the end of the file inside a frame. */
  lastFrameCut: boolean;
}

/** Walks an MP3 file's frames from the first; bytes that are not a frame (a trailing tag, junk) end the walk. */
export function mp3Extent(bytes: Uint8Array): Mp3Extent {
  let offset = id3v2Length(bytes);
  const first = mpegFrame(bytes, offset);
  if (!first) return { frameSeconds: 0, lastFrameCut: false };
  const extent = { declaredSeconds: xingSeconds(bytes, offset, first), frameSeconds: first.samples / first.sampleRate };
  for (let frame: MpegFrame | undefined = first; frame; frame = mpegFrame(bytes, offset)) {
    if (offset + frame.length > bytes.length) return { ...extent, lastFrameCut: true };
    offset += frame.length;
  }
  return { ...extent, lastFrameCut: false };
}

function xingSeconds(bytes: Uint8Array, offset: number, frame: MpegFrame): number | undefined {
  const at = offset + frame.tagAt;
  if (at + 12 > bytes.length) return undefined;
  const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if ((tag !== 'Xing' && tag !== 'Info') || (bytes[at + 7]! & 1) === 0) return undefined;
  const frames = ((bytes[at + 8]! << 24) >>> 0) + (bytes[at + 9]! << 16) + (bytes[at + 10]! << 8) + bytes[at + 11]!;
  return (frames * frame.samples) / frame.sampleRate;
}
