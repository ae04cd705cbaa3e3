import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kamailioConfig } from '../../../scripts/sip/kamailio-config.js';
import { baresipConfig } from '../../../scripts/sip/media-config.js';

const base = {
  domain: '127.0.0.1',
  sipUdpPort: 5070,
  wssPort: 8443,
  rtpengineNgPort: 22222,
  secret: 'secret',
  tlsConfigFile: '/run/tls.cfg',
  allowedOrigins: [],
};

describe('generated SIP stack configuration (scripts/sip)', () => {
  it('never makes an IP address an alias (every port of it would be "myself", breaking in-dialog routing)', () => {
    assert.doesNotMatch(kamailioConfig(base), /^alias=/m);
    assert.match(kamailioConfig({ ...base, domain: 'pbx.example.test' }), /^alias="pbx\.example\.test"$/m);
  });

  it('authenticates REGISTER and new calls with auth_ephemeral and listens on loopback only', () => {
    const config = kamailioConfig(base);
    assert.match(config, /modparam\("auth_ephemeral", "secret", "secret"\)/);
    assert.match(config, /autheph_www\("\$td"\)/);
    assert.match(config, /autheph_proxy\("\$fd"\)/);
    const listens = config.match(/^listen=.*$/gm) ?? [];
    assert.deepEqual(listens, ['listen=udp:127.0.0.1:5070', 'listen=tls:127.0.0.1:8443']);
  });

  it('asks the backend where a Notify number rings only when routing is configured', () => {
    assert.doesNotMatch(kamailioConfig(base), /http_client/);
    const routed = kamailioConfig({
      ...base,
      routing: { url: 'https://127.0.0.1:1/api/sip/route', token: 'tok' },
    });
    assert.match(routed, /loadmodule "http_client.so"/);
    assert.match(routed, /route\(NOTIFY_NUMBER\);/);
    assert.match(routed, /"Authorization: Bearer tok"/);
  });

  it("routes a Notify number's call again only after a 480 (a closing tab, §27), never after busy or a decline", () => {
    const routed = kamailioConfig({
      ...base,
      routing: { url: 'https://127.0.0.1:1/api/sip/route', token: 'tok' },
    });
    assert.match(routed, /t_on_failure\("NOTIFY_RETRY"\);\s*route\(RELAY\);/);
    const start = routed.indexOf('failure_route[NOTIFY_RETRY] {');
    const retry = routed.slice(start, routed.indexOf('\n}\n', start));
    assert.match(retry, /if \(t_is_canceled\(\) \|\| !t_check_status\("480"\)\) exit;/);
    assert.doesNotMatch(retry, /486|603/);
    // The backend keeps the call open while it names nobody yet (its schema's boolean: "true", not "1").
    assert.match(retry, /&retry=true"/);
    assert.doesNotMatch(kamailioConfig(base), /failure_route/);
  });

  it('opens the control socket (the fault control) only when asked', () => {
    assert.doesNotMatch(kamailioConfig(base), /ctl\.so/);
    assert.match(
      kamailioConfig({ ...base, ctlSocket: '/run/k.ctl' }),
      /modparam\("ctl", "binrpc", "unix:\/run\/k\.ctl"\)/,
    );
  });

  it("checks the WebSocket handshake's Origin against the allowed pages", () => {
    assert.doesNotMatch(kamailioConfig(base), /\$hdr\(Origin\)/);
    const checked = kamailioConfig({ ...base, allowedOrigins: ['http://localhost:8000'] });
    assert.match(checked, /\$hdr\(Origin\) != "http:\/\/localhost:8000"/);
  });

  it('a baresip phone registers its number with its credentials and answers by itself', () => {
    const { accounts } = baresipConfig({
      number: '+15551240001',
      domain: '127.0.0.1',
      proxyPort: 5070,
      sipPort: 5080,
      ctrlPort: 4444,
      rtpPortMin: 40000,
      rtpPortCount: 20,
      username: '1700000000:+15551240001',
      password: 'abc/def+==',
      toneHz: 440,
    });
    assert.match(accounts, /^<sip:\+15551240001@127\.0\.0\.1:5070;transport=udp>/);
    assert.match(accounts, /;auth_user=1700000000:\+15551240001;auth_pass=abc\/def\+==;/);
    assert.match(accounts, /;answermode=auto;/);
  });
});
