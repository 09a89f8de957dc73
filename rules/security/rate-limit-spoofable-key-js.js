const express = require("express");
const rateLimit = require("express-rate-limit");
const { RateLimiterMemory } = require("rate-limiter-flexible");

const app = express();

const apiLimiter = rateLimit({
  windowMs: 60 * 1000,
  max: 100,
  // ruleid: security-rate-limit-spoofable-key-js
  keyGenerator: (req) => req.headers["x-forwarded-for"] || req.ip,
});

const loginLimiter = rateLimit({
  windowMs: 60 * 1000,
  max: 5,
  keyGenerator(req, res) {
    // ruleid: security-rate-limit-spoofable-key-js
    return req.get("X-Real-IP");
  },
});

const limiter = new RateLimiterMemory({ points: 10, duration: 1 });

app.use(async (req, res, next) => {
  // ruleid: security-rate-limit-spoofable-key-js
  const ip = (req.header("x-forwarded-for") || "").split(",")[0].trim();
  try {
    await limiter.consume(ip);
    next();
  } catch {
    res.status(429).send("Too Many Requests");
  }
});

app.set("trust proxy", 1);

// ok: security-rate-limit-spoofable-key-js
const safeLimiter = rateLimit({ windowMs: 60 * 1000, max: 100 });

const keyedLimiter = rateLimit({
  windowMs: 60 * 1000,
  max: 100,
  // ok: security-rate-limit-spoofable-key-js
  keyGenerator: (req) => req.ip,
});

const apiKeyLimiter = rateLimit({
  windowMs: 60 * 1000,
  max: 1000,
  // ok: security-rate-limit-spoofable-key-js
  keyGenerator: (req) => req.apiClient.id,
});

app.use((req, res, next) => {
  // not a limiter key: only logged
  // ok: security-rate-limit-spoofable-key-js
  console.log("forwarded for", req.headers["x-forwarded-for"]);
  next();
});

app.use(async (req, res, next) => {
  const ip = req.ip;
  // logged, while the limiter key is the peer address
  // ok: security-rate-limit-spoofable-key-js
  console.log("forwarded for", req.headers["x-forwarded-for"]);
  await limiter.consume(ip);
  next();
});

// fastify-rate-limit before ee4992ed: the forwarded header keys the store's counter
function onRateLimit(req, res, next) {
  // ruleid: security-rate-limit-spoofable-key-js
  var ip = req.headers['X-Forwarded-For'] || req.connection.remoteAddress;
  if (whitelist.indexOf(ip) > -1) {
    next();
  } else {
    store.incr(ip, onIncr);
  }
}

function onRateLimitFixed(req, res, next) {
  // the peer address keys the counter; the forwarded header is only logged
  var ip = req.ip;
  // ok: security-rate-limit-spoofable-key-js
  var hop = req.headers['x-forwarded-for'];
  audit.log(hop);
  store.incr(ip, onIncr);
}

function countVisits(req) {
  // a page counter, not a limiter: incr of another key
  // ok: security-rate-limit-spoofable-key-js
  const via = req.headers["x-forwarded-for"];
  stats.incr("visits");
  return via;
}
