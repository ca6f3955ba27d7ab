/**
 * The pages a bouncer shows: self-contained HTML (inline style, no external asset, nothing to
 * load from elsewhere except a third-party captcha's own widget when one is configured).
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

const STYLE =
  'body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;' +
  'font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f4f5;color:#18181b}' +
  'main{max-width:28rem;margin:1rem;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}' +
  'h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:.5rem 0}small{color:#71717a}' +
  'label{display:block;margin:1rem 0 .25rem;font-weight:600}' +
  'input[type=text]{font-size:1.2rem;padding:.4rem .6rem;width:6rem;border:1px solid #a1a1aa;border-radius:.375rem}' +
  'button{margin-top:1rem;font-size:1rem;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#18181b;color:#fff;cursor:pointer}' +
  '.error{color:#b91c1c}' +
  '@media (prefers-color-scheme:dark){body{background:#18181b;color:#f4f4f5}main{background:#27272a}button{background:#f4f4f5;color:#18181b}}';

function page(title: string, body: string, head = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style>${head}</head><body><main>${body}</main></body></html>`
  );
}

/** The page of a banned client. */
export function banPage(ip: string): string {
  return page(
    'Access denied',
    '<h1>Access denied</h1><p>Requests from your address have been blocked because of suspicious activity.</p>' +
      '<p>If you think this is a mistake, contact the site owner and quote the address below.</p>' +
      `<p><small>Your address: ${escapeHtml(ip)}</small></p>`,
  );
}

export interface CaptchaPageInput {
  ip: string;
  /** Where the form posts. */
  action: string;
  /** Where to go back after success (a path of this site). */
  returnTo: string;
  error?: string;
  /** herd's own challenge. */
  question?: string;
  token?: string;
  /** A third-party widget instead. */
  provider?: { scriptUrl: string; widgetClass: string; siteKey: string };
}

/** The page asking a client to prove it is a person. */
export function captchaPage(input: CaptchaPageInput): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  const hidden = `<input type="hidden" name="return" value="${escapeHtml(input.returnTo)}">`;
  let form: string;
  let head = '';
  if (input.provider) {
    head = `<script src="${escapeHtml(input.provider.scriptUrl)}" async defer></script>`;
    form =
      `<form method="post" action="${escapeHtml(input.action)}">${hidden}` +
      `<div class="${escapeHtml(input.provider.widgetClass)}" data-sitekey="${escapeHtml(input.provider.siteKey)}"></div>` +
      '<button type="submit">Continue</button></form>';
  } else {
    form =
      `<form method="post" action="${escapeHtml(input.action)}">${hidden}` +
      `<input type="hidden" name="token" value="${escapeHtml(input.token ?? '')}">` +
      `<label for="answer">What is ${escapeHtml(input.question ?? '')}?</label>` +
      '<input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="off" autofocus required>' +
      '<br><button type="submit">Continue</button></form>';
  }
  return page(
    'Checking you are a person',
    '<h1>One moment</h1><p>Unusual traffic came from your address. Please answer to continue.</p>' +
      error +
      form +
      `<p><small>Your address: ${escapeHtml(input.ip)}</small></p>`,
    head,
  );
}
