export interface EmailSender {
  send(mail: { messageId: string; to: string; subject: string; text: string; html: string }): Promise<void>;
}
export interface SmsSender {
  send(sms: { to: string; body: string; idempotencyKey: string }): Promise<void>;
}
export interface InAppPusher {
  push(
    customerId: string,
    notification: { id: string; type: string; title: string; body: string; orderId?: string; createdAt: string },
  ): Promise<void>;
}
