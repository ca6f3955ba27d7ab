/**
 * What web attackers ask for: directory-bruteforce wordlists, sensitive files and backups, login
 * endpoints, and the paths of particular tools (WordPress scanners, phpMyAdmin hunters, Nmap).
 */
import type { Rng } from './rng.js';

/** Top entries of common directory wordlists (as gobuster/dirbuster/ffuf walk them). */
const WORDS = [
  'admin', 'administrator', 'admin.php', 'admin/login.php', 'admin/index.php', 'login.php', 'wp-admin/', 'wp-login.php',
  'wp-content/', 'wp-includes/', 'xmlrpc.php', 'phpmyadmin/', 'pma/', 'myadmin/', 'mysql/', 'dbadmin/', 'sql/',
  'manager/html', 'host-manager/html', 'solr/', 'jenkins/', 'console/', 'actuator', 'actuator/health', 'actuator/env',
  'actuator/heapdump', 'api/', 'api/v1/', 'api/v2/', 'api/swagger.json', 'swagger-ui.html', 'swagger/index.html', 'v2/api-docs',
  'graphql', 'graphiql', 'cgi-bin/', 'cgi-bin/test.cgi', 'cgi-bin/status', 'backup/', 'backups/', 'old/', 'new/', 'test/',
  'tests/', 'dev/', 'demo/', 'temp/', 'tmp/', 'uploads/', 'upload.php', 'files/', 'private/', 'secret/', 'config/',
  'conf/', 'includes/', 'inc/', 'lib/', 'vendor/', 'node_modules/', 'bower_components/', 'server-status', 'server-info',
  'status', 'stats/', 'logs/', 'log/', 'debug/', 'trace.axd', 'elmah.axd', 'web.config', 'install.php', 'install/',
  'setup.php', 'setup/', 'user/', 'users/', 'account/', 'panel/', 'cpanel', 'webmail/', 'roundcube/', 'owa/', 'ecp/',
  'remote/login', 'vpn/', 'dana-na/', 'portal/', 'console/login/LoginForm.jsp', 'login.jsp', 'login.aspx', 'default.aspx',
  'index.jsp', 'index.asp', 'shell.php', 'cmd.php', 'c99.php', 'r57.php', 'wso.php', 'alfa.php', 'up.php', 'ws.php',
  'xleet.php', 'about.php', 'radio.php', 'wp-content/plugins/', 'wp-content/themes/', 'joomla/', 'drupal/', 'magento/',
  'typo3/', 'bitrix/admin/', 'umbraco/', 'sitecore/', 'nagios/', 'zabbix/', 'grafana/', 'kibana/', 'prometheus/',
  'portainer/', 'adminer.php', 'phpinfo.php', 'info.php', 'test.php', 'i.php', 'php.php', 'pi.php', 'hello.php',
  'HNAP1', 'boaform/admin/formLogin', 'GponForm/diag_Form', 'goform/setUsbUnload', 'cgi-bin/luci', 'setup.cgi',
  'evox/about', 'sdk', 'owa/auth/logon.aspx', 'autodiscover/autodiscover.xml', 'ReportServer', 'Telerik.Web.UI.WebResource.axd',
  'crossdomain.xml', 'clientaccesspolicy.xml', 'sitemap.xml.gz', 'readme.html', 'README.md', 'CHANGELOG.md', 'license.txt',
  'composer.lock', 'package-lock.json', 'yarn.lock', 'Gemfile.lock', 'Dockerfile', 'Makefile', 'jmx-console/',
  'web-console/', 'invoker/JMXInvokerServlet', 'axis2/', 'struts/', 'showLogin.cc', 'mifs/', 'global-protect/login.esp',
  'ui/', 'helpdesk/', 'SecureAuth/', 'hudson/', 'cacti/', 'webdav/', 'sftp-config.json', 'storage/logs/laravel.log',
  'telescope/requests', '_profiler/', 'app_dev.php', 'index.php/admin', 'administrator/index.php', 'user/login',
  'auth/login', 'signin', 'signup', 'register', 'wp-signup.php', 'wp-cron.php', 'wp-json/', 'feed/', 'rss/',
] as const;
const DIR_PREFIXES = ['', 'old/', 'new/', 'test/', 'backup/', 'wp/', 'blog/', 'site/', 'cms/', 'v1/', 'app/', 'public/', 'web/', 'shop/', 'beta/'] as const;

/** A distinct path per `n` (0, 1, 2, …): the wordlist first, then the wordlist under common prefixes. */
export function probePath(order: readonly number[], n: number): string {
  const word = WORDS[order[n % order.length]];
  const prefix = DIR_PREFIXES[Math.floor(n / order.length) % DIR_PREFIXES.length];
  const round = Math.floor(n / (order.length * DIR_PREFIXES.length));
  return `/${prefix}${word}${round > 0 ? `?${round}` : ''}`;
}

export function probeOrder(rng: Rng): number[] {
  const order: number[] = [];
  for (let i = 0; i < WORDS.length; i++) order.push(i);
  return rng.shuffled(order);
}

/** The answer our site gives to a probe path. */
export function probeStatus(path: string): number {
  if (path.startsWith('/admin') || path.startsWith('/server-status') || path.includes('/.')) return 403;
  if (path === '/login' || path === '/signup' || path === '/feed/' || path === '/status') return 200;
  return 404;
}

export const SENSITIVE_FILES = [
  '/.env', '/.env.local', '/.env.production', '/.env.prod', '/.env.dev', '/.env.backup', '/.env.bak', '/.env.save', '/.env.old',
  '/api/.env', '/app/.env', '/laravel/.env', '/backend/.env', '/admin/.env', '/public/.env', '/core/.env', '/docker/.env',
  '/.git/config', '/.git/HEAD', '/.git/index', '/.git/logs/HEAD', '/.git/refs/heads/main', '/.gitignore', '/.svn/entries',
  '/.svn/wc.db', '/.hg/hgrc', '/.bzr/branch-format', '/.DS_Store', '/.aws/credentials', '/.aws/config', '/.ssh/id_rsa',
  '/id_rsa', '/id_rsa.pub', '/.ssh/authorized_keys', '/.bash_history', '/.htpasswd', '/.htaccess', '/.npmrc', '/.dockercfg',
  '/.docker/config.json', '/.vscode/sftp.json', '/sftp-config.json', '/.ftpconfig', '/.idea/workspace.xml', '/.well-known/.env',
  '/backup.zip', '/backup.tar.gz', '/backup.sql', '/backup.rar', '/www.zip', '/site.zip', '/website.zip', '/web.zip',
  '/example.com.zip', '/www.example.com.tar.gz', '/db.sql', '/dump.sql', '/database.sql', '/data.sql', '/mysql.sql',
  '/db_backup.sql', '/users.sql', '/wp-config.php.bak', '/wp-config.php~', '/wp-config.php.old', '/wp-config.php.save',
  '/wp-config.bak', '/wp-config.txt', '/config.php.bak', '/configuration.php.bak', '/config.json', '/config.yml',
  '/config/database.yml', '/config/secrets.yml', '/app/config/parameters.yml', '/settings.py', '/local_settings.py',
  '/appsettings.json', '/web.config.bak', '/docker-compose.yml', '/docker-compose.yaml', '/.travis.yml', '/.gitlab-ci.yml',
  '/phpinfo.php', '/info.php', '/server-status', '/credentials.json', '/secrets.json', '/keys.json', '/private.key',
  '/server.key', '/.pgpass', '/.my.cnf', '/error_log', '/debug.log', '/wp-content/debug.log', '/storage/logs/laravel.log',
  '/_wpeprivate/config.json', '/.terraform/terraform.tfstate', '/terraform.tfstate', '/.kube/config',
] as const;

export function sensitiveStatus(path: string): number {
  return path.includes('/.') ? 403 : 404;
}

export const LOGIN_TARGETS = [
  { path: '/login', status: 401 },
  { path: '/api/v1/auth/login', status: 401 },
  { path: '/admin/login', status: 403 },
  { path: '/account/login', status: 401 },
] as const;

export const NMAP_REQUESTS = [
  'GET / HTTP/1.1', 'GET /nmaplowercheck1712345678 HTTP/1.1', 'POST /sdk HTTP/1.1', 'GET /HNAP1 HTTP/1.1',
  'GET /evox/about HTTP/1.1', 'OPTIONS / HTTP/1.1', 'PROPFIND / HTTP/1.1', 'GET /.git/HEAD HTTP/1.1',
  'GET /robots.txt HTTP/1.1', 'GET /favicon.ico HTTP/1.1', 'GET /NmapUpperCheck1712345678 HTTP/1.1', 'TRACE / HTTP/1.1',
] as const;

const WP_PLUGINS = [
  'contact-form-7', 'elementor', 'woocommerce', 'wp-file-manager', 'revslider', 'duplicator', 'wpforms-lite', 'akismet',
  'yoast-seo', 'jetpack', 'all-in-one-wp-migration', 'wp-super-cache', 'litespeed-cache', 'really-simple-ssl',
  'updraftplus', 'classic-editor', 'wordfence', 'elementor-pro', 'ultimate-member', 'wp-fastest-cache', 'essential-addons-for-elementor-lite',
] as const;
const WP_FIXED = [
  '/wp-login.php', '/xmlrpc.php', '/wp-json/wp/v2/users', '/?author=1', '/?author=2', '/wp-includes/js/jquery/jquery.js',
  '/readme.html', '/wp-content/uploads/', '/wp-cron.php', '/wp-admin/install.php', '/wp-admin/setup-config.php',
  '/wp-json/', '/feed/', '/wp-content/debug.log', '/license.txt',
] as const;

export function wordpressPath(n: number): string {
  if (n < WP_FIXED.length) return WP_FIXED[n];
  const k = n - WP_FIXED.length;
  const plugin = WP_PLUGINS[k % WP_PLUGINS.length];
  const file = ['readme.txt', 'changelog.txt', ''][Math.floor(k / WP_PLUGINS.length) % 3];
  const round = Math.floor(k / (WP_PLUGINS.length * 3));
  return `/wp-content/plugins/${plugin}/${file}${round > 0 ? `?ver=${round}` : ''}`;
}

export const PMA_PATHS = [
  '/phpmyadmin/', '/phpMyAdmin/', '/pma/', '/PMA/', '/myadmin/', '/mysqladmin/', '/phpmyadmin2/', '/phpMyAdmin-4.9.7/',
  '/db/', '/dbadmin/', '/sqladmin/', '/mysql/', '/admin/phpmyadmin/', '/tools/phpmyadmin/', '/phpmyadmin/index.php',
  '/phpMyAdmin/scripts/setup.php', '/pma/scripts/setup.php', '/web/phpMyAdmin/', '/xampp/phpmyadmin/',
] as const;
