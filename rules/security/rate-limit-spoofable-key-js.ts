import { Ratelimit } from "@upstash/ratelimit";
import { NextRequest, NextResponse } from "next/server";

const ratelimit = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(10, "10 s") });

export async function middleware(request: NextRequest): Promise<NextResponse> {
  // ruleid: security-rate-limit-spoofable-key-js
  const ip = request.headers.get("x-forwarded-for") ?? "127.0.0.1";
  const { success } = await ratelimit.limit(ip);
  return success ? NextResponse.next() : new NextResponse("Too Many Requests", { status: 429 });
}

export async function middlewareSafe(request: NextRequest): Promise<NextResponse> {
  // ok: security-rate-limit-spoofable-key-js
  const { success } = await ratelimit.limit(request.ip ?? "anonymous");
  return success ? NextResponse.next() : new NextResponse("Too Many Requests", { status: 429 });
}

// lion-reader #983 (before the fix): the per-IP key was the first X-Forwarded-For hop
export function getClientIdentifier(userId: string | null, headers: Headers): string {
  if (userId) {
    return `user:${userId}`;
  }
  // ruleid: security-rate-limit-spoofable-key-js
  const forwardedFor = headers.get("x-forwarded-for");
  if (forwardedFor) {
    return `ip:${forwardedFor.split(",")[0].trim()}`;
  }
  return "ip:unknown";
}

export function getClientAddressForLogs(headers: Headers): string {
  // ok: security-rate-limit-spoofable-key-js
  return headers.get("x-forwarded-for") ?? "unknown";
}

// the key goes to a rate-limit function, not a limiter object's method (Eventra 7660dc21)
export async function checkRateLimit(request: Request) {
  const ip =
    // ruleid: security-rate-limit-spoofable-key-js
    request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ||
    "unknown";
  if (await isRateLimited(ip)) {
    return { limited: true, ip };
  }
  return { limited: false, ip };
}

export function logVisit(request: Request) {
  // ok: security-rate-limit-spoofable-key-js
  const forwarded = request.headers.get("x-forwarded-for");
  recordVisit(forwarded);
  return isRateLimited(request.ip);
}

// a client-IP helper of a rate-limit module (worldmonitor #3721)
function getClientIp(request: Request): string {
  return (
    // ruleid: security-rate-limit-spoofable-key-js
    request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ||
    "0.0.0.0"
  );
}

function getTrustedClientIp(request: Request, peer: string): string {
  if (TRUSTED_PROXIES.has(peer)) {
    // ok: security-rate-limit-spoofable-key-js
    return request.headers.get("x-forwarded-for")?.split(",").pop()?.trim() || peer;
  }
  return peer;
}

export async function checkRateLimit(request: Request) {
  const { success } = await ratelimit.limit(getClientIp(request));
  return success;
}
