// Mail out of the accounts (reset and confirmation links), through nodemailer over SMTP_URL. With
// no SMTP_URL nothing is sent: in development the link is logged so a developer can follow it; in
// production only the fact that a mail could not be sent is.
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { AccountsConfig } from "./config.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The link the mail carries (logged in development when there is no SMTP server). */
  link: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(config: AccountsConfig, logger: Logger): Mailer {
  if (!config.smtpUrl) {
    return {
      async send(mail) {
        if (config.development) logger.info({ to: mail.to, subject: mail.subject, link: mail.link }, "no SMTP_URL: this mail was not sent (development: its link is logged)");
        else logger.error({ subject: mail.subject }, "no SMTP_URL: a mail could not be sent");
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
