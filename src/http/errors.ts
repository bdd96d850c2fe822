// The one catalogue of API errors. Every 4xx body is { error: code, message } where the
// message says what was expected; a 5xx body never carries internals.

export const API_ERRORS = {
  'invalid-body': 400,
  'invalid-query': 400,
  'invalid-params': 400,
  'invalid-json': 400,
  'invalid-range': 400,
  'bad-request': 400,
  unauthorized: 401,
  'bad-credentials': 401,
  forbidden: 403,
  csrf: 403,
  'user-not-found': 404,
  'user-exists': 409,
  'last-admin': 409,
  'rate-limited': 429,
  'not-found': 404,
  'household-not-found': 404,
  'meter-not-found': 404,
  'alert-not-found': 404,
  'household-exists': 409,
  'meter-exists': 409,
  'no-consent': 409,
  'already-acknowledged': 409,
  'already-resolved': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code];
  }
}

export const isApiErrorCode = (code: string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);

/** What the client sees for an error fastify raised itself (bad JSON, too large, ...). */
export function fromFrameworkError(statusCode: number, message: string): ApiError | undefined {
  if (statusCode === 413) return new ApiError('payload-too-large', message);
  if (statusCode === 415) return new ApiError('unsupported-media-type', message);
  if (statusCode >= 400 && statusCode < 500) return new ApiError('invalid-json', message);
  return undefined;
}

/** The router's own errors (fastify's frameworkErrors: before routing, so no route's handler). */
export function routerError(err: { code?: string }): ApiError {
  // The path is not quoted back: it is what could not be read, and may be long or hostile.
  if (err.code === 'FST_ERR_BAD_URL') return new ApiError('bad-request', 'expected a URL whose percent-encoding is valid UTF-8 (%XX hex pairs)');
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new ApiError('invalid-params', 'expected path segments of at most 100 characters');
  return new ApiError('bad-request', 'expected a well-formed request');
}

/**
 * Unwraps a store or lifecycle result: a failure whose code is in the catalogue becomes that
 * error; any other code is a programmer error and surfaces as a 500.
 */
export function orThrow<R>(r: R): Exclude<R, { error: string }> {
  if (typeof r === 'object' && r !== null && 'error' in r && typeof r.error === 'string') {
    const message = 'message' in r && typeof r.message === 'string' ? r.message : r.error;
    if (isApiErrorCode(r.error)) throw new ApiError(r.error, message);
    throw new Error(`failure code "${r.error}" is missing from the API error catalogue`);
  }
  return r as Exclude<R, { error: string }>;
}
