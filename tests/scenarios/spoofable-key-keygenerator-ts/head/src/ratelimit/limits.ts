import type { Request } from "express";
import rateLimit from "express-rate-limit";

// Behind the load balancer req.ip is the balancer's address, so take the client from the header.
function clientAddress(req: Request): string {
  return req.ip ?? "unknown";
}

export const loginLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 10,
  standardHeaders: "draft-7",
  keyGenerator: (req: Request) => String(req.headers["x-forwarded-for"] ?? clientAddress(req)).split(",")[0].trim(),
  message: { error: "too many login attempts, try again later" },
});
