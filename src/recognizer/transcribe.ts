import { boostQuietAudio } from '../audio/level.js';
import type { Intent } from '../decoder/index.js';
import type { RecognitionModel } from './recognition-model.js';
import type { FinalResult, WordResult } from './results.js';
import type { StreamOptions } from './stream.js';

/** A whole recording: the text, every word, and the utterances the endpointer found. */
export interface Transcript {
  text: string;
  result: WordResult[];
  segments: Segment[];
  /** Seconds of audio. */
  duration: number;
  /** With a context: the first understood segment's intent, or null when none was understood. */
  intent?: Intent | null;
}

/** One utterance: its text and span, and with a context its intent. */
export interface Segment {
  text: string;
  start: number;
  end: number;
  intent?: Intent | null;
}

const PIECE_SECONDS = 1;

/**
 * Transcribes 16 kHz samples through a stream (no partials), utterance by utterance. A quiet
 * recording is boosted first (see boostQuietAudio): the stream boosts each quiet utterance for its
 * final pass, but a whole recording's peak is known in advance, so its first pass (which finds the
 * utterances) hears it boosted too. On a clip made 50 dB quieter, the stream alone split the speech.
 */
export async function transcribeSamples(
  model: RecognitionModel,
  samples: Float32Array,
  options: Omit<StreamOptions, 'sampleRate' | 'partials' | 'maxAlternatives' | 'words' | 'partialWords'> = {},
): Promise<Transcript> {
  const rate = model.metadata.features.sampleRate;
  const stream = model.createStream({ ...options, words: true, partials: false });
  const finals: FinalResult[] = [];
  const piece = PIECE_SECONDS * rate;
  const audio = boostQuietAudio(samples);
  for (let start = 0; start < audio.length; start += piece) {
    if (await stream.acceptWaveform(audio.subarray(start, start + piece))) {
      for (let r = stream.pendingFinals(); r > 0; r--) finals.push(stream.result());
    }
  }
  finals.push(await stream.finalResult());
  const transcript = assemble(finals.filter((f) => f.text), samples.length / rate);
  return options.context ? { ...transcript, intent: transcript.segments.find((s) => s.intent)?.intent ?? null } : transcript;
}

function assemble(finals: FinalResult[], duration: number): Transcript {
  const segments = finals.map((f): Segment => {
    const words = f.result ?? [];
    const segment = { text: f.text ?? '', start: words[0]?.start ?? 0, end: words[words.length - 1]?.end ?? 0 };
    return f.intent === undefined ? segment : { ...segment, intent: f.intent };
  });
  return {
    text: segments.map((s) => s.text).join(' '),
    result: finals.flatMap((f) => f.result ?? []),
    segments,
    duration,
  };
}
