import type { NextFunction, Request, Response } from "express";

export async function apiKeyGuard(req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const ok = await keyStore.validateApiKey(req.header("x-api-key") ?? "");
    if (!ok) {
      res.status(401).end();
      return;
    }
    next();
  } catch (error: unknown) {
    // ruleid: security-fail-open-js
    next();
  }
}

export class RolesGuard {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await this.policy.authorize(context.switchToHttp().getRequest());
    } catch {
      // ruleid: security-fail-open-js
      return true;
    }
  }

  async canActivateClosed(context: ExecutionContext): Promise<boolean> {
    try {
      return await this.policy.authorize(context.switchToHttp().getRequest());
    } catch (e) {
      // ok: security-fail-open-js
      throw new ForbiddenException();
    }
  }
}

// noosphere #242 (before the fix): a Redis error let every request through
export async function slidingWindowLimit(redis: Redis, key: string, max: number) {
  try {
    const results = await redis.pipeline().zcard(key).exec();
    const count = (results?.[0]?.[1] as number) ?? 0;
    if (count >= max) {
      return { allowed: false };
    }
    return { allowed: true };
  } catch (error) {
    console.error("Rate limiter error:", error);
    // ruleid: security-fail-open-js
    return { allowed: true };
  }
}

export async function slidingWindowLimitClosed(redis: Redis, key: string, max: number) {
  try {
    const results = await redis.pipeline().zcard(key).exec();
    // ok: security-fail-open-js
    return { allowed: ((results?.[0]?.[1] as number) ?? 0) < max };
  } catch (error) {
    console.error("Rate limiter error:", error);
    // ok: security-fail-open-js
    return { allowed: false };
  }
}
