/** E-mail through SMTP (nodemailer), for notices whose customer the chat can no longer reach. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer } from '../jobs/notice-delivery';

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: { to: string; subject: string; text: string }): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
    } catch (err) {
      // 5xx answers (mailbox unknown, refused) will not get better by retrying; the rest may.
      const code = (err as { responseCode?: number }).responseCode;
      const e = new Error(`SMTP: ${code ? `${code} ` : ''}${(err as { code?: string }).code ?? 'failed'}`) as Error & { permanent?: boolean };
      e.permanent = typeof code === 'number' && code >= 500;
      throw e;
    }
  }

  close(): void {
    this.transport.close();
  }
}
