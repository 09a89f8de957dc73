import winston from "winston";

const log = winston.createLogger();

export async function refresh(client: Client, accessToken: string): Promise<void> {
  // ruleid: security-secret-logged-js
  log.debug(`refreshing with ${accessToken}`);
  // ok: security-secret-logged-js
  log.debug(`refreshing token for ${client.id}`);
}

// opencloud-eu/web before #1942: the OIDC user's tokens went to the console
function onUserLoaded(user: { access_token: string; refresh_token: string }): void {
  // ruleid: security-secret-logged-js
  console.debug(`New User Loaded. access_token: ${user.access_token}, refresh_token: ${user.refresh_token}`);
  // ok: security-secret-logged-js
  console.debug("New User Loaded");
}
