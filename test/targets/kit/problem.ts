import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Problem details (RFC 9457) for the scanner's targets: the expected client errors routes throw,
 * and the handlers that answer them (and unknown paths) the same way on both variants.
 */

export const PROBLEM_TYPE = 'application/problem+json';

/** An expected client error, answered as problem details on both variants. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function sendProblem(reply: FastifyReply, status: number, title: string, detail: string, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  return reply.code(status).headers(headers).type(PROBLEM_TYPE).send({ type: 'about:blank', title, status, detail });
}

export const badRequest = (detail: string): HttpProblem => new HttpProblem(400, 'Bad Request', detail);
export const notFound = (detail: string): HttpProblem => new HttpProblem(404, 'Not Found', detail);
export const forbidden = (detail: string): HttpProblem => new HttpProblem(403, 'Forbidden', detail);

/** Errors that are not an HttpProblem; the target decides how much of them it gives away. */
export type OtherErrorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => FastifyReply;

/** HttpProblem answers as problem details, other errors go to `onOtherError`, unknown paths are a 404. */
export function registerProblemHandlers(app: FastifyInstance, onOtherError: OtherErrorHandler): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpProblem) return sendProblem(reply, err.status, err.title, err.message, err.headers);
    return onOtherError(err, req, reply);
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 404, 'Not Found', 'no such resource'));
}

/** A framework error's status: its own when it is a client error (4xx), 500 otherwise. */
export function clientErrorStatus(err: FastifyError): number {
  const status = err.statusCode;
  return status !== undefined && status >= 400 && status < 500 ? status : 500;
}
