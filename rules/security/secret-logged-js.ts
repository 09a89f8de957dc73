import winston from "winston";

const log = winston.createLogger();

export async function refresh(client: Client, accessToken: string): Promise<void> {
  // ruleid: security-secret-logged-js
  log.debug(`refreshing with ${accessToken}`);
  // ok: security-secret-logged-js
  log.debug(`refreshing token for ${client.id}`);
}
