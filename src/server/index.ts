export { staticFiles, WEB_BUILD_DIR, WEB_DIR } from './http.js';
export { DEFAULT_CONFIG, DEFAULT_SAMPLE_RATE, parseClientMessage, ProtocolError, type ClientMessage, type SessionConfig } from './protocol.js';
export {
  CLOSE_CODES,
  createServer,
  MAX_SUBSCRIBERS,
  SERVER_DEFAULTS,
  type AudioSource,
  type RunningServer,
  type ServerOptions,
} from './server.js';
export { RedisRelay } from './redis-relay.js';
export { localRelay, type EventRelay } from './relay.js';
export { SubscriberHub, type SessionSource, type SessionStart, type TranscriptEvent } from './subscribers.js';
export { VoskSession, type Replies, type ServerReply, type VoskSessionOptions } from './vosk-session.js';
