import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import { verifyAccessToken } from '../tokens.js';
import { mintToken } from './helpers.js';

describe('verifyAccessToken', () => {
  const account = createDevAccount();

  it('accepts a token minted by twilio.jwt.AccessToken and returns identity, exp and the voice grant', async () => {
    const mintedFrom = Math.floor(Date.now() / 1000);
    const minted = mintToken(account, { identity: 'agent_7', ttl: 600 });
    const mintedBy = Math.ceil(Date.now() / 1000);
    const check = await verifyAccessToken(minted, account);
    assert.equal(check.ok, true);
    if (!check.ok) return;
    assert.equal(check.token.identity, 'agent_7');
    assert.equal(check.token.voice.outgoing?.application_sid, account.twimlAppSid);
    assert.equal(check.token.voice.incoming?.allow, true);
    // 600 s after it was minted (bracketed by the clock around the minting: an ordering, no time limit).
    assert.ok(
      check.token.exp >= mintedFrom + 600 && check.token.exp <= mintedBy + 600,
      `exp ${check.token.exp}`,
    );
  });

  it('accepts HS512 tokens too', async () => {
    const token = new twilio.jwt.AccessToken(account.accountSid, account.apiKeySid, account.apiKeySecret, {
      identity: 'a',
    });
    token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: account.twimlAppSid }));
    assert.equal((await verifyAccessToken(token.toJwt('HS512'), account)).ok, true);
  });

  it('answers 31205 "Token is expired" for an expired token', async () => {
    const check = await verifyAccessToken(mintToken(account, { ttl: -10 }), account);
    assert.deepEqual(check, { ok: false, error: { code: 31205, message: 'Token is expired' } });
  });

  const invalidCases: Array<[string, () => unknown]> = [
    ['a wrong secret', () => mintToken(account, { secret: 'not-the-secret-at-all-0123456789' })],
    ['an unknown API key (iss)', () => mintToken(account, { keySid: `SK${'0'.repeat(32)}` })],
    ['another account (sub)', () => mintToken(account, { accountSid: `AC${'0'.repeat(32)}` })],
    ['no voice grant', () => mintToken(account, { voice: false })],
    ['not a JWT', () => 'not-a-jwt'],
    ['not a string', () => 42],
  ];
  for (const [name, make] of invalidCases) {
    it(`answers 31204 for ${name}`, async () => {
      const check = await verifyAccessToken(make(), account);
      assert.equal(check.ok, false);
      if (!check.ok) assert.equal(check.error.code, 31204);
    });
  }
});
