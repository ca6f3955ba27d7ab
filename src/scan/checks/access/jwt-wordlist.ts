/**
 * Secrets that JWT HMAC keys are too often set to: defaults from tutorials and frameworks
 * ("your-256-bit-secret", "changeme"), the word secret in its many spellings, common passwords and
 * trivial strings. The weak-secret check also tries words made from the API's name and host.
 * 351 entries: cracking a token against all of them takes a few milliseconds.
 */
export const JWT_SECRET_WORDLIST: readonly string[] = [
  'secret', 'secretkey', 'secret_key', 'secret-key', 'SecretKey', 'SECRET', 'SECRET_KEY', 'secret123',
  'secret1234', 'secret12345', 'mysecret', 'my_secret', 'my-secret', 'mysecretkey', 'my_secret_key',
  'my-secret-key', 'mysupersecret', 'supersecret', 'super_secret', 'super-secret', 'supersecretkey',
  'super_secret_key', 'topsecret', 'top_secret', 'verysecret', 'very_secret', 'notsosecret', 'secrets',
  'thesecret', 's3cr3t', 's3cret', 'Secret', 'Secret123', 'jwt', 'jwt_secret', 'jwt-secret', 'jwtsecret',
  'JWT_SECRET', 'jwtSecret', 'JwtSecret', 'jwt_secret_key', 'jwt-secret-key', 'jwtsecretkey', 'jwtkey',
  'jwt_key', 'jwt-key', 'jwtpass', 'jwtpassword', 'jwt_token', 'jwttoken', 'jwt123', 'token', 'token_secret',
  'tokensecret', 'token-secret', 'TOKEN_SECRET', 'access_token_secret', 'accesstokensecret',
  'refresh_token_secret', 'auth', 'auth_secret', 'authsecret', 'auth-secret', 'AUTH_SECRET', 'authkey',
  'auth_key', 'authentication', 'key', 'key123', 'mykey', 'my_key', 'privatekey', 'private_key',
  'private-key', 'privkey', 'signingkey', 'signing_key', 'signing-key', 'signature', 'sign', 'hmac',
  'hmacsecret', 'hmac_secret', 'hs256', 'HS256', 'hs256secret', 'your-256-bit-secret', 'your-384-bit-secret',
  'your-512-bit-secret', 'your_jwt_secret', 'your-jwt-secret', 'yourjwtsecret', 'your_secret_key',
  'your-secret-key', 'yoursecretkey', 'your_secret', 'your-secret', 'yoursecret', 'YOUR_SECRET_KEY',
  'your-super-secret', 'changeme', 'change_me', 'change-me', 'changethis', 'change_this', 'change-this',
  'changeit', 'change_this_secret', 'changeme123', 'replace_me', 'replaceme', 'replace-me', 'pleasechangeme',
  'please_change_me', 'todo', 'fixme', 'default', 'default_secret', 'defaultsecret', 'default-secret',
  'development', 'dev', 'devsecret', 'dev_secret', 'dev-secret', 'development_secret', 'test', 'testing',
  'testsecret', 'test_secret', 'test-secret', 'testkey', 'test123', 'demo', 'demo_secret', 'example',
  'examplesecret', 'example_secret', 'sample', 'staging', 'production', 'prod', 'prod_secret', 'local',
  'localhost', 'password', 'password1', 'password123', 'Password', 'Password1', 'Password123', 'passw0rd',
  'p@ssw0rd', 'P@ssw0rd', 'pass', 'pass123', 'passwd', 'admin', 'admin123', 'administrator', 'root', 'toor',
  'qwerty', 'qwerty123', 'qwertyuiop', 'abc123', 'abcdef', 'abcd1234', 'letmein', 'welcome', 'welcome1',
  'iloveyou', 'monkey', 'dragon', 'master', 'login', 'guest', 'user', 'hello', 'hello123', 'helloworld',
  'hello_world', 'shadow', 'sunshine', 'princess', 'football', 'baseball', 'trustno1', '123', '1234',
  '12345', '123456', '1234567', '12345678', '123456789', '1234567890', '0123456789', '000000', '111111',
  '654321', '123123', '112233', 'a', 'aa', 'aaa', 'abc', 'xyz', 'x', '0', '1',
  '00000000000000000000000000000000', '11111111111111111111111111111111', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'none', 'null', 'undefined', 'nil', 'empty', 'key1', 'secret1', 'secret2', 'shhhhh', 'shhh', 'shh',
  'keyboard cat', 'keyboardcat', 'cat', 'api', 'apikey', 'api_key', 'api-key', 'api_secret', 'apisecret',
  'app', 'appsecret', 'app_secret', 'app-secret', 'APP_SECRET', 'app_key', 'appkey', 'application', 'server',
  'server_secret', 'serversecret', 'backend', 'node', 'nodejs', 'express', 'expresssecret', 'express_secret',
  'nest', 'nestjs', 'fastify', 'django', 'django-insecure', 'flask', 'flasksecret', 'flask_secret', 'rails',
  'spring', 'springboot', 'laravel', 'golang', 'gin', 'session', 'session_secret', 'sessionsecret',
  'session-secret', 'SESSION_SECRET', 'cookie', 'cookie_secret', 'cookiesecret', 'encryption_key',
  'encryptionkey', 'crypto', 'random', 'randomsecret', 'random_secret', 'randomstring', 'random_string',
  '123secret', 'secret!', 'secret@123', 'Secret@123', 'mysecretpassword', 'mysecretjwt', 'my_jwt_secret',
  'my-jwt-secret', 'myjwtsecret', 'thisismysecret', 'this_is_my_secret', 'thisisasecret', 'this_is_a_secret',
  'thisisthesecret', 'thisisasecretkey', 'this-is-a-secret', 'ThisIsMySecret', 'itsasecret', 'its_a_secret',
  'somesecret', 'some_secret', 'some-secret', 'anysecret', 'nosecret', 'insecure', 'unsafe', 'weak',
  'weaksecret', 'hackme', 'hacker', 'pentest', 'vulnerable', 'vuln', 'dvwa', 'juice', 'juiceshop', 'owasp',
  'crapi', 'vapi', 'vampi', 'random_secret_key', 'SuperSecretKey', 'superSecretKey', 'SUPER_SECRET',
  'superSecret', 'secretKey', 'SecretKey123', 'mySecretKey', 'MySecretKey', 'my_super_secret_key',
  'my-super-secret-key', 'mysupersecretkey', 'mySuperSecretKey', 'thisIsASecret', 'jwtSecretKey',
  'JWTSecret', 'JWT-SECRET', 'jwt.secret', 'jwt_private_key', 'access', 'access_secret', 'accesssecret',
  'refresh', 'refreshsecret', 'refresh_secret', 'gsk', 'key-secret', 'shared', 'sharedsecret',
  'shared_secret', 'shared-secret',
];

/** Secrets derived from the API's title and host (`shop-api`, `shopapi_secret`…). */
export function derivedSecrets(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of names) {
    const base = raw.trim().toLowerCase();
    if (base === '' || base.length > 100) continue;
    const words = base.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
    const forms = new Set([base, words.join(''), words.join('-'), words.join('_'), ...words.filter((w) => w.length >= 3)]);
    for (const f of forms) {
      if (f === '') continue;
      for (const suffix of ['', 'secret', '-secret', '_secret', 'key', '-key', '_key', '-jwt', '_jwt', 'jwt', '-jwt-secret', '_jwt_secret', '123']) {
        out.add(f + suffix);
      }
    }
  }
  return [...out];
}
