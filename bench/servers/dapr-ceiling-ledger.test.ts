import { exactlyOnce, messageId, ReceiptLedger } from './dapr-ceiling-ledger';

describe('the receipt ledger', () => {
  it('accounts each message of a run exactly once when each arrived once', () => {
    const ledger = new ReceiptLedger();
    ledger.record([messageId('a', 0), messageId('a', 1)]);
    ledger.record([messageId('a', 2)]);
    const receipts = ledger.receipts('a', 3);
    expect(receipts).toEqual({ distinct: 3, duplicates: 0, missing: 0, unexpected: 0, requests: 2 });
    expect(exactlyOnce(receipts, 3)).toBe(true);
  });

  it('finds a duplicate, a missing message and one that was never sent', () => {
    const ledger = new ReceiptLedger();
    ledger.record([messageId('a', 0), messageId('a', 0), messageId('a', 7), 'a:not-a-number', 'no run at all']);
    const receipts = ledger.receipts('a', 3);
    expect(receipts).toEqual({ distinct: 2, duplicates: 1, missing: 2, unexpected: 2, requests: 1 });
    expect(exactlyOnce(receipts, 3)).toBe(false);
  });

  it('keeps runs apart', () => {
    const ledger = new ReceiptLedger();
    ledger.record([messageId('warm-up', 0), messageId('measured', 0)]);
    expect(ledger.distinct('measured')).toBe(1);
    expect(exactlyOnce(ledger.receipts('measured', 1), 1)).toBe(true);
    expect(ledger.receipts('measured', 1).requests).toBe(1);
  });

  it('proves nothing about a run that sent nothing', () => {
    expect(exactlyOnce(new ReceiptLedger().receipts('empty', 0), 0)).toBe(false);
  });
});
