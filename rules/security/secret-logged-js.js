const logger = require("pino")();

async function callWithRetry(apiToken, cfg, req, attempt) {
  // ruleid: security-secret-logged-js
  console.log("retrying with token", apiToken);
  // ruleid: security-secret-logged-js
  logger.warn(`attempt ${attempt} failed, key=${cfg.apiKey}`);
  // ruleid: security-secret-logged-js
  logger.info({ attempt, password: cfg.dbPassword }, "retrying");
  // ruleid: security-secret-logged-js
  console.debug("headers", req.headers);
  // ruleid: security-secret-logged-js
  logger.error("auth " + req.headers["authorization"]);
  // ruleid: security-secret-logged-js
  throw new Error(`token ${apiToken} rejected`);
}

function ok(apiToken, cfg, req, attempt) {
  // ok: security-secret-logged-js
  console.log("retrying with token of length", apiToken.length);
  // ok: security-secret-logged-js
  logger.info({ attempt, key: mask(cfg.apiKey) }, "retrying");
  // ok: security-secret-logged-js
  logger.info("content type " + req.headers["content-type"]);
  // ok: security-secret-logged-js
  fetch(url, { headers: { Authorization: `Bearer ${apiToken}` } });
  // ok: security-secret-logged-js
  throw new Error("token rejected");
}
