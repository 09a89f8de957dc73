const config = require("./config");

// ruleid: security-hardcoded-credential-js
const API_TOKEN = "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";
// ruleid: security-hardcoded-credential-js
let dbPassword = 'hunter2!';

const client = new Client({
  host: "db.internal",
  // ruleid: security-hardcoded-credential-js
  password: "Pa55w0rd!",
  // ruleid: security-hardcoded-credential-js
  "client_secret": "s3cr3t-v4lue-2024",
});

// ruleid: security-hardcoded-credential-js
client.apiKey = "sk_live_51HxQ2eKz9";
// ruleid: security-hardcoded-credential-js
process.env.ACCESS_TOKEN = "AKIA1234567890ABCD";

// ruleid: security-hardcoded-credential-js
function login(user, password = "letmein123") {
  return client.login(user, password);
}

// ok: security-hardcoded-credential-js
const API_TOKEN_ENV = "API_TOKEN";
// ok: security-hardcoded-credential-js
const apiToken = process.env.API_TOKEN;
// ok: security-hardcoded-credential-js
const password = process.env.DB_PASSWORD || "";
// ok: security-hardcoded-credential-js
const secret = "changeme";
// ok: security-hardcoded-credential-js
const apiKey = "<your-api-key>";
// ok: security-hardcoded-credential-js
const authToken = "${AUTH_TOKEN}";
// ok: security-hardcoded-credential-js
const API_KEY_HEADER = "x-api-key";
// ok: security-hardcoded-credential-js
const tokenStorageKey = "auth_token";
// ok: security-hardcoded-credential-js
const ACCESS_TOKEN = "access_token";
// ok: security-hardcoded-credential-js
const passwordInput = { type: "password", name: "password", minLength: 12 };
// ok: security-hardcoded-credential-js
const refreshToken = "/api/auth/refresh-token";
