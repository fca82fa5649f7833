// Runs on the audio thread: mixes the input to mono and posts 16-bit PCM frames of
// processorOptions.frameSeconds (default 0.1 s) at the context's sample rate.
class PcmCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const seconds = options.processorOptions?.frameSeconds ?? 0.1;
    this.frameLength = Math.round(sampleRate * seconds);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    for (let i = 0; i < channels[0].length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      this.append(sum / channels.length);
    }
    return true;
  }

  append(value) {
    const clipped = Math.max(-1, Math.min(1, value));
    this.frame[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
    if (this.filled < this.frameLength) return;
    // Transferring the buffer detaches it: the next frame needs a new one.
    this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
  }
}

registerProcessor('pcm-capture', PcmCapture);
