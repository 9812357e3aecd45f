/**
 * @module app/banner
 * What `switchboard start` prints: where it runs and, on the first start, the one-time credentials and commands
 * that work as pasted (the token goes into a shell variable, the new connection's id into another), so a newcomer
 * never has to replace a `<placeholder>`. Later starts say how to sign in and how to get a token.
 */
export interface BannerInput {
  version: string;
  role: string;
  address: string;
  publicUrl: string;
  store: string;
  bus: string;
  ownerEmail: string;
  generatedToken?: string | undefined;
  generatedPassword?: string | undefined;
}

/** the shell lines of the first-start walkthrough, runnable in bash as printed (app/banner.test.ts runs them) */
export function firstStartCommands(publicUrl: string, token: string): string[] {
  const auth = '-H "Authorization: Bearer $SWITCHBOARD_TOKEN"';
  return [
    `export SWITCHBOARD_TOKEN=${token}`,
    `CONN=$(curl -s -X POST ${publicUrl}/api/v1/connections ${auth} -H 'content-type: application/json' \\`,
    `  -d '{"type":"webchat","name":"Website chat"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id')`,
    `curl -s -X POST ${publicUrl}/api/v1/connections/$CONN/start ${auth}`,
    `echo "open ${publicUrl}/webchat/$CONN/test in a browser and write as a visitor"`,
  ];
}

export function startBanner(b: BannerInput): string {
  const lines: string[] = [''];
  const out = (s: string) => lines.push(s);
  out(`Switchboard ${b.version} is running (${b.role}) on ${b.address} — public URL ${b.publicUrl}`);
  out(`  store: ${b.store}; bus: ${b.bus}`);
  if (b.generatedToken) {
    out('');
    out('  Admin API token (shown once, stored hashed — keep it now):');
    out(`    ${b.generatedToken}`);
    out('');
    out('  Next: create a web chat and talk to it as a visitor — paste these lines into a shell as they are:');
    for (const line of firstStartCommands(b.publicUrl, b.generatedToken)) out(`    ${line}`);
    out('  Watch the events as they happen (Ctrl-C to stop):');
    out(`    curl -sN ${b.publicUrl}/api/v1/events -H "Authorization: Bearer $SWITCHBOARD_TOKEN"`);
    out(`  API reference: ${b.publicUrl}/api/v1/openapi.json`);
  }
  out('');
  if (b.generatedPassword) {
    out(`  Sign in to ${b.publicUrl}/app/ as ${b.ownerEmail} with the password (shown once):`);
    out(`    ${b.generatedPassword}`);
    out('  (set SWITCHBOARD_OWNER_EMAIL / SWITCHBOARD_OWNER_PASSWORD to choose them)');
  } else {
    out(`  Sign in to ${b.publicUrl}/app/ as ${b.ownerEmail} with the owner's password`);
    out('  (forgotten it? start once with SWITCHBOARD_OWNER_PASSWORD=<new password> to set it)');
  }
  if (!b.generatedToken) {
    out('  An API token for scripts: npx switchboard token create --name "my script"');
    out(`  API reference: ${b.publicUrl}/api/v1/openapi.json`);
  }
  out('');
  return lines.join('\n');
}
