export class ApiClient {
  // ruleid: security-hardcoded-credential-js
  private readonly apiKey = "sk_live_51HxQ2eKz9abc";
  // ruleid: security-hardcoded-credential-js
  static clientSecret: string = "s3cr3t-v4lue-2024";
  // ok: security-hardcoded-credential-js
  private token: string = "";
  // ok: security-hardcoded-credential-js
  private secretName = "payments/api";

  constructor(private readonly baseUrl: string) {}
}

// ruleid: security-hardcoded-credential-js
export const JWT_SECRET: string = "9f8e7d6c5b4a39281706";
// ok: security-hardcoded-credential-js
export const JWT_SECRET_FROM_ENV: string = process.env.JWT_SECRET ?? "";
