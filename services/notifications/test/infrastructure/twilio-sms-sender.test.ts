import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '@shop/kit';
import { type Listening, listen } from '@shop/testkit/src/listen';
import Joi from 'joi';
import {
  SmsSendError,
  smsConfigKeys,
  smsConfigVariables,
  TwilioSmsSender,
  twilioSmsSenderFrom,
} from '../../src/infrastructure/twilio-sms-sender';

// A local HTTP server stands in for the provider: it checks the account's basic auth and reads the form as
// Twilio does, keeps what it accepted, and answers what each test tells it to.

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'provider-auth-token';
const from = '+15005550006';

interface Received {
  path: string;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

type Answer = (res: ServerResponse) => void;

let provider: Listening;
let received: Received[];
let answer: Answer | null;

function created(res: ServerResponse) {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sid: 'SM0123', status: 'queued' }));
}

function twilioError(status: number, code: number, message: string, headers: Record<string, string> = {}): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  };
}

async function standIn(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  if (req.headers.authorization !== expected) {
    twilioError(401, 20003, 'Authenticate')(res);
    return;
  }
  if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
    twilioError(404, 20404, 'The requested resource was not found')(res);
    return;
  }
  if (answer) {
    answer(res);
    return;
  }
  received.push({
    path: req.url,
    contentType: req.headers['content-type'],
    idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
  });
  created(res);
}

beforeAll(async () => {
  provider = await listen((req, res) => {
    standIn(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
});
afterAll(() => provider.close());
beforeEach(() => {
  received = [];
  answer = null;
});

function sender(overrides: Partial<ConstructorParameters<typeof TwilioSmsSender>[0]> = {}) {
  return new TwilioSmsSender({ baseUrl: `${provider.url}/`, accountSid, authToken, from, ...overrides });
}

const sms = {
  to: '+491701234567',
  body: 'Ihre Bestellung ist unterwegs: 1Z999 – grüße & danke',
  idempotencyKey: 'k-1',
};

async function failureOf(promise: Promise<void>): Promise<SmsSendError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SmsSendError);
  return error as SmsSendError;
}

describe('the Twilio-style SMS sender', () => {
  it("posts To, From and Body form-encoded with the account's basic auth and the idempotency key", async () => {
    await sender().send(sms);
    expect(received).toEqual([
      {
        path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
        contentType: 'application/x-www-form-urlencoded',
        idempotencyKey: 'k-1',
        form: { To: sms.to, From: from, Body: sms.body },
      },
    ]);
  });

  it('fails for good on a 4xx the provider explains (an unreachable number), naming its code', async () => {
    answer = twilioError(400, 21211, "The 'To' number +4900 is not a valid phone number.");
    const error = await failureOf(sender().send({ ...sms, to: '+4900' }));
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).toContain('is not a valid phone number. (code 21211)');
  });

  it('fails for good when the provider refuses the credentials', async () => {
    const error = await failureOf(sender({ authToken: 'wrong' }).send(sms));
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(received).toEqual([]);
  });

  it('asks for a retry on 5xx, and on 429 with the wait the provider names', async () => {
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('maintenance');
    };
    expect(await failureOf(sender().send(sms))).toMatchObject({ retryable: true, status: 503 });
    answer = twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '7' });
    const limited = await failureOf(sender().send(sms));
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    expect(limited.message).toContain('Too Many Requests (code 20429)');
  });

  it('asks for a retry when the provider cannot be reached or does not answer in time', async () => {
    const closed = await listen(() => undefined);
    const unreachableUrl = closed.url;
    await closed.close();
    const unreachable = await failureOf(sender({ baseUrl: unreachableUrl }).send(sms));
    expect(unreachable).toMatchObject({ retryable: true, status: undefined });
    expect(unreachable.message).toContain('ECONNREFUSED');

    answer = () => undefined; // never answers
    const slow = await failureOf(sender({ timeoutMs: 200 }).send(sms));
    expect(slow).toMatchObject({ retryable: true, status: undefined });
    expect(slow.message).toContain('timed out');
  });
});

describe('the SMS configuration', () => {
  const schema = Joi.object(smsConfigKeys).and(...smsConfigVariables);
  const complete = {
    SMS_API_URL: 'https://api.twilio.com',
    SMS_ACCOUNT_SID: accountSid,
    SMS_AUTH_TOKEN: authToken,
    SMS_FROM: from,
  };

  it('leaves SMS off unless every variable is set, and refuses a half-configured provider', () => {
    expect(twilioSmsSenderFrom(loadConfig(schema, {}))).toBeNull();
    expect(twilioSmsSenderFrom(loadConfig(schema, complete))).toBeInstanceOf(TwilioSmsSender);
    expect(() => loadConfig(schema, { SMS_API_URL: 'https://api.twilio.com' })).toThrow(/SMS_ACCOUNT_SID/);
    expect(() => loadConfig(schema, { ...complete, SMS_FROM: '0170 1234' })).toThrow(/SMS_FROM/);
  });
});
