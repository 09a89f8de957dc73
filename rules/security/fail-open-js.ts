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
