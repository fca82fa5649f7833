// earshot's web page: the microphone view streams the browser's microphone over the vosk
// protocol and shows its transcript, or sends a picked recording to POST /transcribe; or, in the
// "recognise in this browser" mode (?mode=browser), does both on the page itself with the browser
// build (earshot.js, the model from model/). The subscribe view (?view=subscribe) shows every
// session's. Built as the static demo (npm run build:web), the page has no server and recognises in
// the browser only.

const params = new URLSearchParams(location.search);
const token = params.get('token');
const standalone = document.body.hasAttribute('data-standalone');

/** Ended sessions the subscribe view keeps on screen. */
const KEPT_ENDED_SESSIONS = 20;

function serverUrl(path) {
  const url = new URL(path, location.href);
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  return url;
}

function socketUrl(path) {
  const url = serverUrl(path);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** Sends a recording to POST /transcribe; resolves to its transcript, or throws the server's error. */
async function transcribeFile(file) {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(serverUrl('/transcribe'), { method: 'POST', body: form });
  const reply = await response.json();
  if (!response.ok) throw new Error(`${file.name}: ${reply.error}`);
  return reply;
}

let browserModel;

/** The browser build and its model, loaded once, with the download's progress on the status line. */
function loadBrowserModel(setStatus) {
  browserModel ??= (async () => {
    const earshot = await import('./earshot.js');
    const started = performance.now();
    const megabytes = (bytes) => (bytes / 1e6).toFixed(1);
    const onProgress = ({ loaded, total }) =>
      setStatus(`Loading the model… ${megabytes(loaded)}${total ? ` of ${megabytes(total)}` : ''} MB`);
    const model = await earshot.Model.load('model/', { onProgress });
    return { earshot, model, loadSeconds: (performance.now() - started) / 1000 };
  })();
  browserModel.catch(() => (browserModel = undefined));
  return browserModel;
}

/** A recording decoded by the browser, mixed to mono at 16 kHz, transcribed on the page. */
async function transcribeFileInBrowser(file, setStatus) {
  const { earshot, model } = await loadBrowserModel(setStatus);
  setStatus(`Transcribing ${file.name} in this browser…`);
  let audio;
  try {
    audio = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(await file.arrayBuffer());
  } catch {
    throw new Error(`${file.name}: the browser cannot decode this file`);
  }
  const samples = new Float32Array(audio.length);
  for (let c = 0; c < audio.numberOfChannels; c++) audio.getChannelData(c).forEach((s, i) => (samples[i] += s / audio.numberOfChannels));
  return earshot.transcribeSamples(model, samples);
}

function finalText(result) {
  return result.text ?? result.alternatives?.[0]?.text ?? '';
}

/** A transcript on screen: finals as list items, the partial updated in place below them. */
class TranscriptView {
  constructor(finals, partial) {
    this.finals = finals;
    this.partial = partial;
  }

  showPartial(text) {
    this.partial.textContent = text;
  }

  addFinal(text) {
    this.partial.textContent = '';
    if (!text) return;
    const item = document.createElement('li');
    item.textContent = text;
    this.finals.append(item);
    item.scrollIntoView({ block: 'nearest' });
  }
}

class MicrophoneSession {
  constructor(view, setStatus) {
    this.view = view;
    this.setStatus = setStatus;
  }

  async start() {
    this.setStatus('Asking for the microphone…');
    this.media = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule('pcm-worklet.js');
    this.socket = await openSocket(socketUrl('/'));
    this.socket.onmessage = (event) => this.onReply(JSON.parse(event.data));
    this.socket.onclose = (event) => this.onClose(event);
    this.socket.send(JSON.stringify({ config: { sample_rate: this.context.sampleRate, words: true } }));
    this.capture = new AudioWorkletNode(this.context, 'pcm-capture', { numberOfOutputs: 0 });
    this.capture.port.onmessage = (event) => {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(event.data);
    };
    this.context.createMediaStreamSource(this.media).connect(this.capture);
    this.setStatus(`Listening at ${this.context.sampleRate} Hz`);
  }

  /** Stops capturing and asks for the final; the server closes the socket after sending it. */
  stop() {
    this.releaseAudio();
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ eof: 1 }));
      this.setStatus('Finishing…');
    }
  }

  onReply(reply) {
    if (reply.error) this.setStatus(`Server: ${reply.error}`);
    else if (reply.partial !== undefined) this.view.showPartial(reply.partial);
    else this.view.addFinal(finalText(reply));
  }

  onClose(event) {
    this.releaseAudio();
    this.setStatus(event.code === 1000 ? 'Stopped.' : `Disconnected (${event.code}${event.reason ? `: ${event.reason}` : ''}).`);
    this.onEnded?.();
  }

  releaseAudio() {
    this.media?.getTracks().forEach((track) => track.stop());
    this.context?.close();
    this.media = this.context = undefined;
  }
}

/** The microphone recognised on the page: the same calls as MicrophoneSession, no server. */
class BrowserSession {
  constructor(view, setStatus) {
    this.view = view;
    this.setStatus = setStatus;
  }

  async start() {
    const { earshot, model, loadSeconds } = await loadBrowserModel(this.setStatus);
    this.setStatus('Asking for the microphone…');
    this.microphone = await earshot.MicrophoneStream.start(model, {
      stream: { words: true },
      onPartial: (text) => this.view.showPartial(text),
      onFinal: (result) => this.view.addFinal(finalText(result)),
      onError: (error) => this.end(`Recognition failed: ${error.message}`),
    });
    this.setStatus(`Listening at ${this.microphone.sampleRate} Hz, recognising in this browser (model loaded in ${loadSeconds.toFixed(1)} s)`);
  }

  async stop() {
    const microphone = this.microphone;
    this.microphone = undefined;
    if (!microphone) return;
    this.setStatus('Finishing…');
    await microphone.stop();
    this.end('Stopped.');
  }

  end(status) {
    this.setStatus(status);
    this.onEnded?.();
  }

  releaseAudio() {
    this.microphone?.stop();
    this.microphone = undefined;
  }
}

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
}

function showMicrophoneView() {
  const button = document.getElementById('toggle');
  const status = document.getElementById('status');
  const setStatus = (text) => (status.textContent = text);
  const view = new TranscriptView(document.getElementById('finals'), document.getElementById('partial'));
  const modes = document.querySelectorAll('input[name="mode"]');
  const initialMode = standalone ? 'browser' : params.get('mode');
  for (const mode of modes) if (mode.value === initialMode) mode.checked = true;
  const inBrowser = () => document.querySelector('input[name="mode"]:checked').value === 'browser';
  let session;
  const ended = () => {
    session = undefined;
    button.textContent = 'Start';
  };
  const picker = document.getElementById('file');
  picker.addEventListener('change', async () => {
    const [file] = picker.files;
    picker.value = '';
    if (!file) return;
    setStatus(`Transcribing ${file.name}…`);
    try {
      const transcript = inBrowser() ? await transcribeFileInBrowser(file, setStatus) : await transcribeFile(file);
      view.addFinal(transcript.text);
      setStatus(`${file.name}: ${transcript.duration.toFixed(1)} s of audio transcribed.`);
    } catch (error) {
      setStatus(error.message);
    }
  });
  button.addEventListener('click', async () => {
    if (session) {
      session.stop();
      return;
    }
    session = inBrowser() ? new BrowserSession(view, setStatus) : new MicrophoneSession(view, setStatus);
    session.onEnded = ended;
    button.textContent = 'Stop';
    try {
      await session.start();
    } catch (error) {
      session.releaseAudio();
      setStatus(error.message);
      ended();
    }
  });
}

/** Every session's transcript, live, from /subscribe; reconnects when the connection drops. */
function showSubscribeView() {
  const status = document.getElementById('subscribe-status');
  const container = document.getElementById('sessions');
  const cards = new Map();

  const card = (id) => cards.get(id) ?? createCard(id, { source: 'session' });
  const createCard = (id, start) => {
    const element = document.createElement('article');
    element.className = 'session';
    element.dataset.session = id;
    const heading = document.createElement('h2');
    const started = start.startedAt ? new Date(start.startedAt).toLocaleTimeString() : '';
    heading.textContent = [start.source, start.sampleRate && `${start.sampleRate} Hz`, started].filter(Boolean).join(' · ');
    const finals = document.createElement('ol');
    finals.className = 'finals';
    const partial = document.createElement('p');
    partial.className = 'partial';
    element.append(heading, finals, partial);
    container.prepend(element);
    const entry = { element, heading, view: new TranscriptView(finals, partial) };
    cards.set(id, entry);
    return entry;
  };
  const endCard = (id) => {
    const entry = card(id);
    entry.element.classList.add('ended');
    entry.heading.textContent += ' · ended';
    const ended = [...container.querySelectorAll('.session.ended')];
    for (const old of ended.slice(KEPT_ENDED_SESSIONS)) {
      old.remove();
      cards.delete(old.dataset.session);
    }
  };
  const onEvent = (event) => {
    if (event.type === 'session-start') cards.get(event.session) ?? createCard(event.session, event);
    else if (event.type === 'partial') card(event.session).view.showPartial(event.partial);
    else if (event.type === 'final') card(event.session).view.addFinal(event.text);
    else if (event.type === 'session-end') endCard(event.session);
  };
  const connect = () => {
    const socket = new WebSocket(socketUrl('/subscribe'));
    socket.onopen = () => (status.textContent = 'Live: transcripts of every session appear here.');
    socket.onmessage = (message) => onEvent(JSON.parse(message.data));
    socket.onclose = () => {
      status.textContent = 'Disconnected; reconnecting…';
      setTimeout(connect, 2000);
    };
  };
  connect();
}

function keepTokenInLinks() {
  if (!token) return;
  for (const link of document.querySelectorAll('nav a')) {
    const url = new URL(link.href);
    url.searchParams.set('token', token);
    link.href = url.href;
  }
}

const subscribing = !standalone && params.get('view') === 'subscribe';
keepTokenInLinks();
document.getElementById(subscribing ? 'nav-subscribe' : 'nav-mic').classList.add('active');
document.getElementById(subscribing ? 'subscribe-view' : 'mic-view').hidden = false;
if (subscribing) showSubscribeView();
else showMicrophoneView();
