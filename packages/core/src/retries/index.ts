export { Retry } from './retry.js';
export { Always } from './always.js';
export { Never } from './never.js';
export { Cooldown } from './cooldown.js';
export type { CooldownOptions } from './cooldown.js';
export { Backoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
