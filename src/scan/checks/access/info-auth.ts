/**
 * What the authentication checks are: identity, mapping, description and the fix with code for
 * common stacks.
 */
import type { CheckInfo, Remediation } from '../../model.js';

export const UNAUTHENTICATED_INFO: CheckInfo = {
  id: 'auth.unauthenticated-access',
  title: 'Missing authentication: an operation documented as secured answers without credentials',
  severity: 'high',
  cwe: 'CWE-306',
  owasp: 'API2:2023',
  description:
    'The API description says this operation needs credentials, but the server answers a request without any with the same data a signed-in user gets. Typically the route was left out of the authentication middleware, or the handler treats a missing user as "no filter" — so anyone on the network reads (or changes) data meant for signed-in users, often everyone’s at once.',
  remediation: {
    summary:
      'Authenticate by default: install the authentication check once for the whole API and mark the few public routes explicitly, instead of adding it route by route. A handler must never treat a missing user as "no restriction".',
    snippets: {
      Express: `app.post('/api/auth/login', login); // the public routes first
app.use('/api', passport.authenticate('jwt', { session: false })); // everything below needs a token
app.get('/api/invoices', (req, res) => res.json(invoices.of(req.user.id)));`,
      Fastify: `fastify.addHook('onRequest', async (req) => {
  if (req.routeOptions.config.public === true) return;
  await req.jwtVerify(); // @fastify/jwt: throws 401 without a valid token
});
fastify.post('/api/auth/login', { config: { public: true } }, login);`,
      NestJS: `// app.module.ts: every route needs a token unless marked @Public()
providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],`,
      'Django/DRF': `REST_FRAMEWORK = {
    'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAuthenticated'],
}
# public views opt out explicitly: permission_classes = [AllowAny]`,
      Spring: `http.authorizeHttpRequests(auth -> auth
    .requestMatchers(HttpMethod.POST, "/api/auth/login").permitAll()
    .anyRequest().authenticated());`,
      Rails: `class ApplicationController < ActionController::API
  before_action :authenticate_user! # public controllers: skip_before_action
end`,
      'Go net/http': `mux := http.NewServeMux()
mux.HandleFunc("POST /api/auth/login", login)
mux.Handle("/api/", requireAuth(apiMux)) // every other /api route needs a valid token`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/',
      'https://cwe.mitre.org/data/definitions/306.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html',
    ],
  },
};

const JWT_REFERENCES = [
  'https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/',
  'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html',
  'https://datatracker.ietf.org/doc/html/rfc8725',
];

/** Verifying tokens properly: a fixed algorithm list, a real key, exp required. */
const VERIFY_SNIPPETS: Readonly<Record<string, string>> = {
  'Node.js (jose)': `import { jwtVerify } from 'jose';
const key = new TextEncoder().encode(process.env.JWT_SECRET); // >= 32 random bytes
const { payload } = await jwtVerify(token, key, {
  algorithms: ['HS256'],      // "none" and other algorithms are rejected
  requiredClaims: ['exp'],    // exp is checked against the clock
});`,
  Express: `import jwt from 'jsonwebtoken';
const claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
// never jwt.decode() to authenticate; never ignoreExpiration: true`,
  Fastify: `await fastify.register(fastifyJwt, {
  secret: process.env.JWT_SECRET,
  verify: { algorithms: ['HS256'] },
});`,
  NestJS: `JwtModule.register({
  secret: process.env.JWT_SECRET,
  verifyOptions: { algorithms: ['HS256'] },
}),`,
  'Django/DRF': `# PyJWT (what djangorestframework-simplejwt uses)
claims = jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"],
                    options={"require": ["exp"]})`,
  Spring: `@Bean
JwtDecoder jwtDecoder(@Value("\${jwt.secret}") String secret) {
    SecretKey key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    return NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build(); // checks exp
}`,
  Rails: `payload, = JWT.decode(token, ENV.fetch('JWT_SECRET'), true,
                     { algorithm: 'HS256', required_claims: ['exp'] })`,
  'Go net/http': `token, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) { return secret, nil },
	jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
if err != nil || !token.Valid {
	http.Error(w, "unauthorized", http.StatusUnauthorized)
	return
}`,
};

function jwtRemediation(summary: string, extra: Readonly<Record<string, string>> = {}): Remediation {
  return { summary, snippets: { ...extra, ...VERIFY_SNIPPETS }, references: JWT_REFERENCES };
}

export const JWT_NONE_INFO: CheckInfo = {
  id: 'auth.jwt-none',
  title: 'JWT "alg: none" accepted: tokens without a signature are trusted',
  severity: 'critical',
  cwe: 'CWE-347',
  owasp: 'API2:2023',
  description:
    'The server accepts a token whose header says {"alg":"none"} and that carries no signature. Anyone can then write their own token with any user id or role in it and be that user — administrators included — without knowing any secret.',
  remediation: jwtRemediation(
    'Verify every token with a library call that is given the exact list of accepted algorithms (for example only HS256, or only RS256/EdDSA) and the key; reject "none" and any algorithm not on the list. Never decode a token without verifying it.',
  ),
};

export const JWT_SIGNATURE_INFO: CheckInfo = {
  id: 'auth.jwt-signature-unchecked',
  title: 'JWT signature not verified: a token with altered claims is accepted',
  severity: 'critical',
  cwe: 'CWE-347',
  owasp: 'API2:2023',
  description:
    'The server reads the claims of the token without checking its signature: a token whose payload was changed after signing is still accepted. Anyone can then change the user id or role in their own token and act as any user.',
  remediation: jwtRemediation(
    'Authenticate with the verify call of a JWT library (not decode), with the key and a fixed list of algorithms, and use only the claims it returns.',
  ),
};

export const JWT_ALG_CONFUSION_INFO: CheckInfo = {
  id: 'auth.jwt-alg-confusion',
  title: 'JWT algorithm confusion: a token signed with HMAC over the public key is accepted',
  severity: 'critical',
  cwe: 'CWE-347',
  owasp: 'API2:2023',
  description:
    'The API signs its tokens with a private key (RS256, PS256 or ES256) and publishes the public key, as it should, but its verification takes the algorithm from the token: a token whose header says HS256 and whose HMAC is computed with the public key as the secret is accepted. The public key is public, so anyone can sign tokens for any user or role.',
  remediation: jwtRemediation(
    'Pass the verify call the one algorithm family the key is for (`algorithms: ["RS256"]` with an RSA key) and a key object of the right type, never a PEM string that an HMAC could use; libraries that pick the algorithm from the token header must be upgraded or configured so.',
  ),
};

export const JWT_KEY_URL_INFO: CheckInfo = {
  id: 'auth.jwt-key-url',
  title: 'JWT key URL (jku/x5u) taken from the token: the server fetches keys where the caller says',
  severity: 'high',
  cwe: 'CWE-347',
  owasp: 'API2:2023',
  description:
    'When a token names where its verification key is (the `jku` or `x5u` header), the server goes and fetches it. A caller who points it at a key set of their own signs tokens for anyone; even when the key is later refused, the server makes requests to addresses the caller chose (server-side request forgery into the internal network).',
  remediation: jwtRemediation(
    'Ignore `jku`, `x5u` and embedded `jwk` headers: configure the key set URL (or the keys) on the server and select keys by `kid` only among them. If several issuers must be trusted, keep an allowlist of exact key set URLs.',
  ),
};

export const JWT_WEAK_SECRET_INFO: CheckInfo = {
  id: 'auth.jwt-weak-secret',
  title: 'JWT signed with a guessable secret',
  severity: 'critical',
  cwe: 'CWE-521',
  owasp: 'API2:2023',
  description:
    'The HMAC secret that signs the API’s tokens is in a list of common secrets, so it was recovered offline from a single token without sending any request. With it anyone can sign tokens for any user or role that the server accepts as genuine.',
  remediation: jwtRemediation(
    'Replace the secret with at least 32 random bytes from a secrets manager or the environment (for example `openssl rand -base64 48`), never a word, a default or the application name; rotate it now (every token signed with the old one must stop working). Consider asymmetric keys (EdDSA, RS256) so that services that only verify tokens hold no signing key.',
    {
      'Generate a secret': `openssl rand -base64 48   # store it as JWT_SECRET in the secrets manager`,
      'Node.js start-up check': `const secret = process.env.JWT_SECRET ?? '';
if (Buffer.byteLength(secret) < 32) throw new Error('JWT_SECRET must be at least 32 random bytes');`,
    },
  ),
};

export const JWT_EXPIRY_INFO: CheckInfo = {
  id: 'auth.jwt-expiry-unchecked',
  title: 'JWT expiry not enforced: expired tokens are accepted',
  severity: 'high',
  cwe: 'CWE-613',
  owasp: 'API2:2023',
  description:
    'A correctly signed token whose exp claim lies in the past is still accepted. A token that leaked once (logs, a shared machine, a proxy) then works forever, and logging out or changing the password does not end the session.',
  remediation: jwtRemediation(
    'Require the exp claim and let the JWT library check it against the clock (a small leeway is fine); keep access tokens short-lived and use refresh tokens that the server can revoke.',
  ),
};

export const LOGIN_RATE_LIMIT_INFO: CheckInfo = {
  id: 'auth.no-login-rate-limit',
  title: 'No rate limit on failed logins',
  severity: 'medium',
  cwe: 'CWE-307',
  owasp: 'API4:2023',
  description:
    'The login operation answers any number of failed attempts for one account at full speed, with no 429, lockout, delay or captcha. Attackers can guess passwords or replay leaked credential lists (credential stuffing) until one works.',
  remediation: {
    summary:
      'Limit failed logins per account and per client address (for example 10 failures per 15 minutes), answer 429 with Retry-After when the limit is reached, and add growing delays or a captcha; alert on bursts. Count failures per username whether or not it exists, so the limit does not reveal which accounts exist.',
    snippets: {
      Express: `import rateLimit from 'express-rate-limit';

const loginLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 10,
  skipSuccessfulRequests: true, // count failures only
  standardHeaders: 'draft-7',   // RateLimit and Retry-After headers
  keyGenerator: (req) => String(req.body?.username ?? '').toLowerCase() || req.ip,
});
app.post('/api/auth/login', express.json(), loginLimiter, login);`,
      Fastify: `await fastify.register(import('@fastify/rate-limit'), { global: false });

fastify.post('/api/auth/login', {
  config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, // 429 + Retry-After
}, login);`,
      NestJS: `@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 10, ttl: 15 * 60_000 } })
@Post('login')
login(@Body() dto: LoginDto) {
  return this.auth.login(dto);
}`,
      'Django/DRF': `class LoginThrottle(AnonRateThrottle):
    rate = '10/min'

class LoginView(TokenObtainPairView):
    throttle_classes = [LoginThrottle]  # 429 with Retry-After`,
      Spring: `@PostMapping("/api/auth/login")
ResponseEntity<?> login(@RequestBody LoginRequest in) {
    Bucket bucket = buckets.computeIfAbsent(in.username().toLowerCase(),
        k -> Bucket.builder().addLimit(Bandwidth.simple(10, Duration.ofMinutes(15))).build());
    if (!bucket.tryConsume(1)) {
        return ResponseEntity.status(429).header("Retry-After", "900").build();
    }
    return auth.login(in);
}`,
      Rails: `# config/initializers/rack_attack.rb
Rack::Attack.throttle('logins/username', limit: 10, period: 15.minutes) do |req|
  req.params['username'].to_s.downcase.presence if req.path == '/api/auth/login' && req.post?
end`,
      'Go net/http': `var limiters sync.Map // username -> *rate.Limiter

func allowLogin(username string) bool {
	l, _ := limiters.LoadOrStore(strings.ToLower(username), rate.NewLimiter(rate.Every(90*time.Second), 10))
	return l.(*rate.Limiter).Allow()
}
// in the handler: if !allowLogin(in.Username) { w.Header().Set("Retry-After", "90"); w.WriteHeader(429); return }`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
      'https://cwe.mitre.org/data/definitions/307.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks',
    ],
  },
};
