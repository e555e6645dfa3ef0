import { redact, redactedMarker, redactRecord } from '../../src/log/redact';

describe('redaction of log records', () => {
  it('replaces secret fields at any depth, whatever their case', () => {
    const record = {
      req: { headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'x-request-id': 'r1' } },
      body: { email: 'a@b.c', Password: 'pw', payment: { cardNumber: '4242424242424242', cvc: '123', expMonth: 1 } },
      tokens: [{ refreshToken: 'rt', accessToken: 'at' }],
      connectionString: 'Endpoint=http://x;AccessKey=secret;',
    };
    expect(redact(record)).toEqual({
      req: { headers: { Authorization: redactedMarker, cookie: redactedMarker, 'x-request-id': 'r1' } },
      body: {
        email: 'a@b.c',
        Password: redactedMarker,
        payment: { cardNumber: redactedMarker, cvc: redactedMarker, expMonth: 1 },
      },
      tokens: [{ refreshToken: redactedMarker, accessToken: redactedMarker }],
      connectionString: redactedMarker,
    });
  });

  it('masks card numbers and bearer tokens inside free text', () => {
    expect(redact('paid with 4242 4242 4242 4242 using Bearer abc.def')).toBe(
      `paid with ${redactedMarker} using Bearer ${redactedMarker}`,
    );
  });

  it('leaves its input untouched and keeps dates and errors', () => {
    const at = new Date(0);
    const input = { password: 'pw', at };
    const output = redact(input) as { at: Date };
    expect(input.password).toBe('pw');
    expect(output.at).toBe(at);
  });

  it('redacts a whole log record as redact does, passing over the ids the kit writes itself', () => {
    const record = {
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      req_id: 'r-1',
      password: 'pw',
      msg: 'paid with 4242 4242 4242 4242',
      body: { token: 't', note: 'Bearer abc.def' },
    };
    expect(redactRecord(record)).toEqual({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      req_id: 'r-1',
      password: redactedMarker,
      msg: `paid with ${redactedMarker}`,
      body: { token: redactedMarker, note: `Bearer ${redactedMarker}` },
    });
  });
});
