/**
 * What the outbound worker hands a mail channel from a message's metadata: the subject and cc the sender chose, and
 * whether a machine wrote it (an agent's reply, an auto-reply rule's answer), which mail marks Auto-Submitted.
 */
import { describe, expect, it } from 'vitest';
import { mailFields } from './outbound-worker.js';

describe('mail fields of an outbound message', () => {
  it('an operator reply with a subject and cc: no Auto-Submitted', () => {
    expect(mailFields({ subject: 'Invoice 7', cc: [{ address: 'a@x.example' }, 'b@y.example', { nope: 1 }] })).toEqual({
      subject: 'Invoice 7',
      cc: ['a@x.example', 'b@y.example'],
    });
    expect(mailFields({})).toEqual({});
    expect(mailFields({ subject: '', cc: 'a@x.example' })).toEqual({});
  });
  it("an agent's reply and an auto-reply rule's answer are automated", () => {
    expect(mailFields({ agentId: 'agt_1', agentName: 'Bot' })).toEqual({ automated: true });
    expect(mailFields({ autoReply: true, ruleId: 'rule_1' })).toEqual({ automated: true });
    expect(mailFields({ autoReply: 'yes' })).toEqual({});
  });
});
