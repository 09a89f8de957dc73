const { RateLimiterRedis } = require("rate-limiter-flexible");

const limiter = new RateLimiterRedis({ storeClient: redis, points: 10, duration: 1 });

async function rateLimit(req, res, next) {
  try {
    await limiter.consume(req.ip);
    next();
  } catch (err) {
    logger.warn("rate limiter failed", err);
    // ruleid: security-fail-open-js
    next();
  }
}

const requireAuth = async (req, res, next) => {
  try {
    req.user = await verifyJwt(req.headers.authorization);
  } catch (e) {
    // ruleid: security-fail-open-js
    return next();
  }
  next();
};

async function isAllowed(user, resource) {
  try {
    return await authz.checkPermission(user, resource);
  } catch (err) {
    // ruleid: security-fail-open-js
    return true;
  }
}

function throttle(req, res, next) {
  limiter
    .consume(req.ip)
    .then(() => next())
    // ruleid: security-fail-open-js
    .catch(() => next());
}

async function rateLimitClosed(req, res, next) {
  try {
    await limiter.consume(req.ip);
    // ok: security-fail-open-js
    next();
  } catch (err) {
    // ok: security-fail-open-js
    res.status(429).send("Too Many Requests");
  }
}

const requireAuthClosed = async (req, res, next) => {
  try {
    req.user = await verifyJwt(req.headers.authorization);
  } catch (e) {
    // ok: security-fail-open-js
    return next(e);
  }
  next();
};

async function isAllowedClosed(user, resource) {
  try {
    return await authz.checkPermission(user, resource);
  } catch (err) {
    // ok: security-fail-open-js
    return false;
  }
}

function parseBody(req, res, next) {
  try {
    req.body = JSON.parse(req.rawBody);
  } catch (err) {
    // not an access check
    // ok: security-fail-open-js
    next();
  }
}

// rate-limiter-flexible's ExpressBruteFlexible: the rejection of the free limiter
// is the normal path into the penalty logic; next() runs only after the penalty
// was applied, inside a later promise
function bruteMiddleware(req, res, next) {
  this.freeLimiter.consume(key)
    .then(() => {
      next();
    })
    .catch(() => {
      Promise.all([this.blockLimiter.get(key), this.counterLimiter.get(key)])
        .then(([blockRes]) => {
          if (blockRes === null) {
            this.blockLimiter.penalty(key, 1)
              .then(() => {
                // ok: security-fail-open-js
                next();
              });
          }
        });
    });
}
