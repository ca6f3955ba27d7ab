/**
 * The attacker behaviours the ground truth names. Each attacker IP shows one, some two.
 */
export const HTTP_BEHAVIOURS = [
  'http-probing',
  'http-sensitive-files',
  'http-login-bruteforce',
  'http-crawl',
  'http-scanner-ua',
  'http-path-traversal',
  'http-sqli',
  'http-xss',
  'http-cve-probe',
] as const;

export const SSH_BEHAVIOURS = ['ssh-bruteforce', 'ssh-slow-bruteforce', 'ssh-user-enum'] as const;

export type HttpBehaviour = (typeof HTTP_BEHAVIOURS)[number];
export type SshBehaviour = (typeof SSH_BEHAVIOURS)[number];
export type Behaviour = HttpBehaviour | SshBehaviour;
