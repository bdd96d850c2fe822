// Expected failures of a repository are values, not exceptions (design principle 5): the
// HTTP layer maps the code to a status, other callers decide for themselves.

export interface Failure<C extends string = string> {
  error: C;
  message: string;
}

export const fail = <C extends string>(error: C, message: string): Failure<C> => ({ error, message });

export function isFailure<T extends object>(x: T | Failure): x is Failure {
  return typeof x === 'object' && x !== null && 'error' in x && typeof (x as Failure).error === 'string';
}
