/**
 * @module testing/dovecot
 * A real Dovecot IMAP server for tests, as the test's own process: a private dovecot.conf in a temp dir (own
 * base_dir, Maildirs in the temp dir, passwd-file users), listening only on 127.0.0.1 on a free port, started with
 * `dovecot -F -c <conf>` and stopped at the end. No system service and no system-wide config is touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.js';

export interface DovecotUser {
  user: string;
  password: string;
}

/** a self-signed certificate for 127.0.0.1 (its own CA), made with openssl for one test run */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Dovecot {
  host: string;
  imapPort: number;
  /** IMAPS (implicit TLS) when started with a certificate */
  imapsPort: number | undefined;
  dir: string;
  /** the server goes away (every connection drops) and comes back on the same port with the same mail */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Dovecot refuses to deliver mail as uid 0: when the tests run as root, mail belongs to the `mail` user */
const MAIL_UID = process.getuid?.() === 0 ? 8 : (process.getuid?.() ?? 8);
const MAIL_GID = process.getgid?.() === 0 ? 8 : (process.getgid?.() ?? 8);

function waitForGreeting(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (chunk) => {
        socket.destroy();
        if (chunk.toString().startsWith('* OK')) resolve();
        else reject(new Error(`unexpected IMAP greeting: ${chunk.toString()}`));
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error('dovecot did not answer in time'));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export interface DovecotOptions {
  /**
   * an OAuth2 token introspection endpoint (RFC 7662): XOAUTH2 / OAUTHBEARER logins are checked there by Dovecot's
   * oauth2 passdb, which expects `{"active": true, "username": "<user>"}` for a valid token
   */
  oauth2IntrospectionUrl?: string;
  /** serve IMAPS on a second port with this certificate */
  tls?: { cert: string; key: string };
  /** the CAPABILITY list announced after login instead of Dovecot's own (e.g. one without IDLE) */
  imapCapability?: string;
}

export async function startDovecot(users: DovecotUser[], options: DovecotOptions = {}): Promise<Dovecot> {
  // a machine without Dovecot fails the mail tests rather than passing them unrun
  if (!existsSync('/usr/sbin/dovecot'))
    throw new Error('dovecot-imapd is not installed (scripts/ensure-system-packages.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-'));
  chmodSync(dir, 0o755);
  const mail = join(dir, 'mail');
  const run = join(dir, 'run');
  mkdirSync(mail);
  mkdirSync(run);
  if (process.getuid?.() === 0) chownSync(mail, MAIL_UID, MAIL_GID);
  const imapPort = await freePort();
  const imapsPort = options.tls ? await freePort() : undefined;
  if (options.tls) {
    writeFileSync(join(dir, 'cert.pem'), options.tls.cert);
    writeFileSync(join(dir, 'key.pem'), options.tls.key, { mode: 0o600 });
  }
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, users.map((u) => `${u.user}:{PLAIN}${u.password}::::::`).join('\n') + '\n');
  const root = process.getuid?.() === 0;
  const oauth = join(dir, 'dovecot-oauth2.conf.ext');
  if (options.oauth2IntrospectionUrl)
    writeFileSync(
      oauth,
      [
        `introspection_url = ${options.oauth2IntrospectionUrl}`,
        'introspection_mode = post',
        'force_introspection = yes',
        'username_attribute = username',
        'active_attribute = active',
        'active_value = true',
        '',
      ].join('\n'),
    );
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `base_dir = ${run}`,
      `state_dir = ${join(dir, 'state')}`,
      `instance_name = dovecot-test-${imapPort}`,
      'protocols = imap',
      'listen = 127.0.0.1',
      ...(options.tls
        ? ['ssl = yes', `ssl_cert = <${join(dir, 'cert.pem')}`, `ssl_key = <${join(dir, 'key.pem')}`]
        : ['ssl = no']),
      'disable_plaintext_auth = no',
      `auth_mechanisms = plain login${options.oauth2IntrospectionUrl ? ' xoauth2 oauthbearer' : ''}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      `mail_location = maildir:${mail}/%u`,
      `mail_uid = ${MAIL_UID}`,
      `mail_gid = ${MAIL_GID}`,
      `first_valid_uid = ${Math.min(MAIL_UID, 8)}`,
      `default_login_user = ${root ? 'dovenull' : (process.env.USER ?? 'nobody')}`,
      `default_internal_user = ${root ? 'dovecot' : (process.env.USER ?? 'nobody')}`,
      // Sent, Drafts … announced with SPECIAL-USE (RFC 6154), so clients find the Sent folder by its flag
      'namespace inbox {',
      '  inbox = yes',
      '  separator = /',
      '  mailbox Sent {',
      '    special_use = \\Sent',
      '    auto = subscribe',
      '  }',
      '  mailbox Archive {',
      '    special_use = \\Archive',
      '    auto = subscribe',
      '  }',
      '}',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN ${passwd}`,
      '}',
      // a password login fails the passwd-file and falls through to here, where the token is introspected
      ...(options.oauth2IntrospectionUrl ? ['passdb {', '  driver = oauth2', `  args = ${oauth}`, '}'] : []),
      'userdb {',
      '  driver = static',
      `  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${mail}/%u`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${imapPort}`,
      '  }',
      '  inet_listener imaps {',
      ...(imapsPort ? ['    address = 127.0.0.1', `    port = ${imapsPort}`, '    ssl = yes'] : ['    port = 0']),
      '  }',
      ...(root ? [] : ['  chroot =']),
      '}',
      'service anvil {',
      ...(root ? [] : ['  chroot =']),
      '}',
      // IDLE answers promptly in tests: the server checks the mailbox every second
      'imap_idle_notify_interval = 1 secs',
      'mailbox_idle_check_interval = 1 secs',
      ...(options.imapCapability ? [`imap_capability = ${options.imapCapability}`] : []),
      '',
    ].join('\n'),
  );
  const launch = async () => {
    const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await Promise.race([
        waitForGreeting(imapPort, Date.now() + 15_000),
        exited.then(() => {
          throw new Error(`dovecot exited: ${output}`);
        }),
      ]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return { child, exited };
  };
  const kill = async (running: { child: ChildProcess; exited: Promise<void> }) => {
    if (running.child.exitCode !== null) return;
    running.child.kill('SIGTERM');
    await Promise.race([running.exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running.child.exitCode === null) running.child.kill('SIGKILL');
    await running.exited;
  };
  let running: Awaited<ReturnType<typeof launch>>;
  try {
    running = await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    imapPort,
    imapsPort,
    dir,
    async restart(downMs = 0) {
      await kill(running);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      running = await launch();
    },
    async stop() {
      await kill(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Mta {
  port: number;
  /** what the MTA accepted, in order */
  accepted: Array<{ from: string; to: string[]; raw: Buffer }>;
  /** the next RCPT answers this SMTP reply instead of accepting (e.g. "550 5.1.1 no such user") */
  failNext(reply: { code: number; message: string } | undefined): void;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) as the MTA of the test domain: it authenticates the hub with the given users and
 * delivers every accepted mail into the recipient's Dovecot mailbox (the local part is the Dovecot user) over IMAP
 * APPEND, so the "customer" reads what the hub sent from their own mailbox.
 */
export async function startMta(
  dovecot: Dovecot,
  users: DovecotUser[],
  /** XOAUTH2 logins: the user a valid access token belongs to */
  checkToken?: (accessToken: string) => string | undefined,
  /** SMTPS: implicit TLS with this certificate */
  tls?: { cert: string; key: string },
): Promise<Mta> {
  const { SMTPServer } = await import('smtp-server');
  const { ImapFlow } = await import('imapflow');
  const accepted: Mta['accepted'] = [];
  let failure: { code: number; message: string } | undefined;
  const server = new SMTPServer({
    authOptional: false,
    ...(tls ? { secure: true, key: tls.key, cert: tls.cert } : {}),
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2') {
        const owner = auth.accessToken ? checkToken?.(auth.accessToken) : undefined;
        if (owner && owner === auth.username) callback(null, { user: owner });
        // RFC 7628 §3.2.2 style failure for XOAUTH2 (https://developers.google.com/gmail/imap/xoauth2-protocol)
        else callback(null, { data: { status: '401', schemes: 'bearer' } });
        return;
      }
      const ok = users.some((u) => u.user === auth.username && u.password === auth.password);
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (failure) {
        const f = failure;
        failure = undefined;
        callback(Object.assign(new Error(f.message), { responseCode: f.code }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        accepted.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw });
        void (async () => {
          for (const rcpt of to) {
            const user = users.find((u) => u.user === rcpt.split('@')[0]);
            if (!user) continue;
            const client = new ImapFlow({
              host: dovecot.host,
              port: dovecot.imapPort,
              secure: false,
              auth: { user: user.user, pass: user.password },
              logger: false,
              // local delivery on the plain port; the hub's own connections are the ones that test TLS
              doSTARTTLS: false,
            });
            await client.connect();
            await client.append('INBOX', raw);
            await client.logout();
          }
        })().then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    accepted,
    failNext(reply) {
      failure = reply;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
