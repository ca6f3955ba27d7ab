import { HerdError, errorMessage } from '../core/index.js';

/**
 * Third-party captchas, for sites that prefer them to herd's own: Cloudflare Turnstile, hCaptcha
 * and Google reCAPTCHA (v2 checkbox). The page loads the provider's widget; the server checks the
 * widget's token with the provider's `siteverify` endpoint (a configurable URL, so tests point it
 * at a local server). The three share one protocol: form POST of secret, response and remoteip,
 * answer `{"success": true|false, ...}`.
 */

export type CaptchaProviderKind = 'turnstile' | 'hcaptcha' | 'recaptcha';

export interface CaptchaProviderOptions {
  kind: CaptchaProviderKind;
  siteKey: string;
  secretKey: string;
  /** Default: the provider's public endpoint. */
  verifyUrl?: string;
  /** Default: the provider's widget script. */
  scriptUrl?: string;
  /** Deadline of the siteverify call (ms). Default 5000. */
  timeoutMs?: number;
}

interface ProviderSpec {
  verifyUrl: string;
  scriptUrl: string;
  /** The form field the widget fills. */
  field: string;
  /** The class of the element the widget renders into. */
  widgetClass: string;
}

const SPECS: Record<CaptchaProviderKind, ProviderSpec> = {
  turnstile: {
    verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    scriptUrl: 'https://challenges.cloudflare.com/turnstile/v0/api.js',
    field: 'cf-turnstile-response',
    widgetClass: 'cf-turnstile',
  },
  hcaptcha: {
    verifyUrl: 'https://api.hcaptcha.com/siteverify',
    scriptUrl: 'https://js.hcaptcha.com/1/api.js',
    field: 'h-captcha-response',
    widgetClass: 'h-captcha',
  },
  recaptcha: {
    verifyUrl: 'https://www.google.com/recaptcha/api/siteverify',
    scriptUrl: 'https://www.google.com/recaptcha/api.js',
    field: 'g-recaptcha-response',
    widgetClass: 'g-recaptcha',
  },
};

export class CaptchaProvider {
  readonly kind: CaptchaProviderKind;
  readonly siteKey: string;
  readonly field: string;
  readonly widgetClass: string;
  readonly scriptUrl: string;
  private readonly verifyUrl: string;
  private readonly secretKey: string;
  private readonly timeoutMs: number;

  constructor(options: CaptchaProviderOptions) {
    const spec = SPECS[options.kind];
    if (spec === undefined) throw new HerdError('HERD_BOUNCER_CONFIG', `captcha.provider.kind: '${String(options.kind)}' is not supported; use turnstile, hcaptcha or recaptcha`);
    if (!options.siteKey || !options.secretKey) throw new HerdError('HERD_BOUNCER_CONFIG', `captcha.provider: ${options.kind} needs both siteKey and secretKey (from the provider's dashboard)`);
    this.kind = options.kind;
    this.siteKey = options.siteKey;
    this.secretKey = options.secretKey;
    this.field = spec.field;
    this.widgetClass = spec.widgetClass;
    this.scriptUrl = options.scriptUrl ?? spec.scriptUrl;
    this.verifyUrl = options.verifyUrl ?? spec.verifyUrl;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * Asks the provider whether the widget's `response` is a solved captcha from `ip`. False on a
   * refusal; throws HERD_BOUNCER_CAPTCHA_VERIFY when the provider cannot be asked.
   */
  async verify(response: string, ip: string): Promise<boolean> {
    if (response.length === 0 || response.length > 4096) return false;
    const body = new URLSearchParams({ secret: this.secretKey, response, remoteip: ip });
    let answer: unknown;
    try {
      const res = await fetch(this.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      answer = await res.json();
    } catch (err) {
      throw new HerdError('HERD_BOUNCER_CAPTCHA_VERIFY', `cannot verify the ${this.kind} captcha at ${this.verifyUrl} (${errorMessage(err)}); check the network and captcha.provider.verifyUrl`, { cause: err });
    }
    return typeof answer === 'object' && answer !== null && (answer as { success?: unknown }).success === true;
  }
}
