export { CircuitBreaker } from './circuit-breaker.js';
export { AsyncCircuitBreaker } from './async-circuit-breaker.js';
export { CallNotPermittedError } from './call-not-permitted-error.js';
export { State } from './state.js';
export type {
  Signal,
  Listener,
  ListenerFunction,
  ListenerLink,
  ListenerErrorHandler,
  CallEvent,
  Metric,
  CallRecord,
  CircuitBreakerInfo,
  Clock,
  BreakerView,
} from './types.js';
export type {
  CircuitBreakerOptions,
  AsyncCircuitBreakerOptions,
  GuardOptions,
} from './internal/breaker-core.js';
export type { MethodGuard } from './internal/decorate.js';
