export { Permit } from './permit.js';
export { All } from './all.js';
export { Random } from './random.js';
export type { RandomOptions } from './random.js';
export { RampUp } from './ramp-up.js';
export type { RampUpOptions } from './ramp-up.js';
