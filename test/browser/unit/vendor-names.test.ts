import { expect } from '@open-wc/testing';
import { normalizeVendor, Vendor } from '../../../src/client/constants.js';

describe('normalizeVendor', () => {
  it('reads a vendor by value or by the key the backend sends, SIP included', () => {
    expect(normalizeVendor('TwilioDirect')).to.equal(Vendor.TWILIO_DIRECT);
    expect(normalizeVendor('TWILIO_DIRECT')).to.equal(Vendor.TWILIO_DIRECT);
    expect(normalizeVendor('SIP')).to.equal(Vendor.SIP);
  });

  it('knows no other name: not an inherited key, not another type', () => {
    for (const value of ['toString', 'constructor', 'sip', '', 42, null, undefined, {}]) {
      expect(normalizeVendor(value), String(value)).to.equal(null);
    }
  });
});
