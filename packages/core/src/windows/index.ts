export { Window } from './window.js';
export { CountWindow } from './count-window.js';
export { TimeWindow } from './time-window.js';
export type { TimeWindowOptions } from './time-window.js';
