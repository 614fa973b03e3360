export { LogListener } from './log-listener.js';
export type { LogLevel, Logger, LogListenerOptions } from './log-listener.js';
