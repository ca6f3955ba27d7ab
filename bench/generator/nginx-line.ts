/**
 * The nginx `combined` format and the bodies nginx itself sends for its error pages
 * (nginx/1.24 with server_tokens on).
 */

/** `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"` */
export function nginxLine(
  ip: string,
  user: string,
  time: string,
  request: string,
  status: number,
  bytes: number,
  referer: string,
  agent: string,
): string {
  return `${ip} - ${user} [${time}] "${request}" ${status} ${bytes} "${referer}" "${agent}"`;
}

/** Body sizes of nginx's built-in error pages. */
export const NGINX_BODY = { 301: 169, 302: 145, 400: 157, 403: 153, 404: 153, 405: 157, 444: 0, 500: 177, 502: 157 } as const;

/** The application's own 404 page (a full HTML page). */
export function appNotFoundSize(jitter: number): number {
  return 5_412 + (jitter % 48);
}
