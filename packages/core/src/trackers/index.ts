export { Tracker } from './tracker.js';
export { All } from './all.js';
export { TypeOf } from './type-of.js';
export type { ErrorClass } from './type-of.js';
export { Custom } from './custom.js';
