// The accounts' settings, from the environment (docs/accounts.md): the JWT secret (else one kept in
// the database), the SMTP server mail goes through, the public address links are built from, and
// the emails of the admins. A node takes them from NodeOptions.accounts first.
import { z } from "zod";

export interface AccountsConfig {
  /** JWT_SECRET; absent: a secret generated once and kept in the database (every node reads it). */
  jwtSecret?: string;
  /** SMTP_URL (smtp://user:pass@host:port, smtps://...); absent: mail is not sent (in development, its link is logged). */
  smtpUrl?: string;
  /** MAIL_FROM: the sender of the mail. */
  mailFrom: string;
  /** PUBLIC_URL: the address players reach the site at; every link in a mail starts with it (never a request's Host). */
  publicUrl: string;
  /** ADMIN_EMAILS, comma-separated: these accounts are admins. */
  adminEmails: string[];
  /** NODE_ENV is not "production": a mail that cannot be sent has its link logged. */
  development: boolean;
}

const envSchema = z.object({
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL" }).optional(),
  MAIL_FROM: z.string().default("Six-Card Golf <no-reply@localhost>"),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http:// or https:// URL" }).optional(),
  ADMIN_EMAILS: z.string().default(""),
  NODE_ENV: z.string().default("development"),
});

export class AccountsConfigError extends Error {}

/** The settings from `env`; `port` makes the development default of PUBLIC_URL. */
export function accountsConfigFromEnv(port: number, env: Record<string, string | undefined> = process.env): AccountsConfig {
  const present = Object.fromEntries(Object.keys(envSchema.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new AccountsConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const e = parsed.data;
  return {
    jwtSecret: e.JWT_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    adminEmails: e.ADMIN_EMAILS.split(",").map((email) => email.trim().toLowerCase()).filter(Boolean),
    development: e.NODE_ENV !== "production",
  };
}
