// A real OpenID Connect provider on loopback for the tests (oidc-provider, dev interactions).
//
//   node tests/oidc/provider.mjs PORT REDIRECT_URI
//
// Its one client and accounts come from the environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// and OIDC_ACCOUNTS, a JSON object {login: {email, email_verified, name}}. The dev login page
// takes any password; a login that is not in OIDC_ACCOUNTS is refused there. Prints "ready"
// once it listens on 127.0.0.1:PORT (the issuer is http://127.0.0.1:PORT).
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: provider.mjs PORT REDIRECT_URI');
  process.exit(2);
}
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // An id_token carries the claims itself (no userinfo call needed).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  // A first-party client: no consent page after the login page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});
// Plain http on loopback is fine for a test provider.
provider.proxy = false;

const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
