import type { RecognitionModel } from '../recognizer/recognition-model.js';
import type { FinalResult } from '../recognizer/results.js';
import type { RecognizerStream, StreamOptions } from '../recognizer/stream.js';

export interface MicrophoneOptions {
  /** The stream's options; its sample rate is the microphone's. */
  stream?: Omit<StreamOptions, 'sampleRate'>;
  /** getUserMedia's audio constraints (default: mono). */
  audio?: MediaTrackConstraints;
  /** Called when the partial's text changes. */
  onPartial?: (text: string) => void;
  /** Called with each utterance's final, at its endpoint and at stop(). */
  onFinal?: (result: FinalResult) => void;
  /** Called when recognising the audio fails; the microphone stops. */
  onError?: (error: Error) => void;
}

/**
 * The browser's microphone feeding a recognizer stream: an AudioWorklet takes the device's audio at
 * its own rate, which the stream resamples, and partials and finals come through the callbacks.
 */
export class MicrophoneStream {
  private lastPartial = '';
  private stopped = false;

  private constructor(
    readonly stream: RecognizerStream,
    private readonly media: MediaStream,
    private readonly context: AudioContext,
    private readonly options: MicrophoneOptions,
  ) {}

  /** Asks for the microphone and starts recognising; the AudioWorklet comes from pcm-worklet.js beside this bundle. */
  static async start(model: RecognitionModel, options: MicrophoneOptions = {}): Promise<MicrophoneStream> {
    const media = await navigator.mediaDevices.getUserMedia({ audio: options.audio ?? { channelCount: 1 } });
    const context = new AudioContext();
    try {
      await context.audioWorklet.addModule(new URL('./pcm-worklet.js', import.meta.url));
      const microphone = new MicrophoneStream(model.createStream({ ...options.stream, sampleRate: context.sampleRate }), media, context, options);
      const capture = new AudioWorkletNode(context, 'pcm-capture', { numberOfOutputs: 0 });
      capture.port.onmessage = (event: MessageEvent<ArrayBuffer>) => microphone.accept(new Int16Array(event.data));
      context.createMediaStreamSource(media).connect(capture);
      return microphone;
    } catch (error) {
      media.getTracks().forEach((track) => track.stop());
      await context.close();
      throw error;
    }
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  /** Stops the microphone and resolves to the final of the audio since the last endpoint. */
  async stop(): Promise<FinalResult> {
    this.release();
    const final = await this.stream.finalResult();
    this.options.onFinal?.(final);
    return final;
  }

  private accept(pcm: Int16Array): void {
    if (this.stopped) return;
    this.stream.acceptWaveform(pcm).then(
      (ended) => (ended ? this.emitFinals() : this.emitPartial()),
      (error: Error) => {
        this.release();
        this.options.onError?.(error);
      },
    );
  }

  private emitFinals(): void {
    while (this.stream.pendingFinals() > 0) this.options.onFinal?.(this.stream.result());
    this.lastPartial = '';
  }

  private emitPartial(): void {
    const { partial } = this.stream.partialResult();
    if (partial !== this.lastPartial) this.options.onPartial?.(partial);
    this.lastPartial = partial;
  }

  private release(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.media.getTracks().forEach((track) => track.stop());
    void this.context.close();
  }
}
