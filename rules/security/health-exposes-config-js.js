const express = require("express");

const app = express();
const router = express.Router();

app.get("/health", (req, res) => {
  // ruleid: security-health-exposes-config-js
  res.json({ status: "ok", env: process.env });
});

router.get("/debug/env", (req, res) => {
  // ruleid: security-health-exposes-config-js
  res.send(process.env);
});

app.get("/status", (req, res) => {
  // ruleid: security-health-exposes-config-js
  res.json({ status: "up", config: { ...process.env } });
});

app.get("/healthz", (req, res) => {
  // ok: security-health-exposes-config-js
  res.json({ status: "ok", region: process.env.REGION, version: process.env["APP_VERSION"] });
});

app.get("/orders", (req, res) => {
  // ok: security-health-exposes-config-js
  res.json({ debugEnv: process.env });
});
