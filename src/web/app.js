// earshot's web page: the microphone view streams the browser's microphone over the vosk
// protocol and shows its transcript, or sends a picked recording to POST /transcribe; the
// subscribe view (?view=subscribe) shows every session's.

const params = new URLSearchParams(location.search);
const token = params.get('token');

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
      const transcript = await transcribeFile(file);
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
    session = new MicrophoneSession(view, setStatus);
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

const subscribing = params.get('view') === 'subscribe';
keepTokenInLinks();
document.getElementById(subscribing ? 'nav-subscribe' : 'nav-mic').classList.add('active');
document.getElementById(subscribing ? 'subscribe-view' : 'mic-view').hidden = false;
if (subscribing) showSubscribeView();
else showMicrophoneView();
