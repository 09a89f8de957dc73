import Fastify from "fastify";

const server = Fastify();

server.get("/info", async () => {
  // ruleid: security-health-exposes-config-js
  return { version: "1.4.2", environment: process.env };
});

server.get("/readyz", async () => {
  // ok: security-health-exposes-config-js
  return { ready: true, dbConfigured: Boolean(process.env.DATABASE_URL) };
});
