import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import twilio from 'twilio';
import { TwimlParseError } from '../twiml/parse.js';
import { parseTwiml, TwimlSchemaError } from '../twiml/verbs.js';
import { signWebhook } from '../webhooks.js';

describe('parseTwiml', () => {
  it('reads Dial with Number, its attributes and the verbs around it', () => {
    const verbs = parseTwiml(`<?xml version="1.0" encoding="UTF-8"?>
      <Response>
        <!-- a comment -->
        <Say loop="2">Hello &amp; welcome</Say>
        <Dial callerId="+15550001111" answerOnBridge="true" timeout="12" action="/after">
          <Number sendDigits="ww12#">+15551230001</Number>
        </Dial>
        <Pause length="2"/>
        <Hangup/>
      </Response>`);
    assert.deepEqual(verbs, [
      { verb: 'Say', text: 'Hello & welcome', loop: 2 },
      {
        verb: 'Dial',
        callerId: '+15550001111',
        answerOnBridge: true,
        timeout: 12,
        action: '/after',
        method: 'POST',
        targets: [{ kind: 'number', number: '+15551230001', sendDigits: 'ww12#', statusCallback: undefined }],
      },
      { verb: 'Pause', length: 2 },
      { verb: 'Hangup' },
    ]);
  });

  it('treats plain text inside Dial as a number and clamps the timeout to 5..600', () => {
    const [dial] = parseTwiml('<Response><Dial timeout="1">+15551230002</Dial></Response>');
    assert.equal(dial?.verb, 'Dial');
    if (dial?.verb === 'Dial') {
      assert.equal(dial.timeout, 5);
      assert.deepEqual(
        dial.targets.map((t) => t.kind === 'number' && t.number),
        ['+15551230002'],
      );
    }
  });

  it('rejects malformed XML with 12100 and unknown verbs with 12200', () => {
    assert.throws(() => parseTwiml('<Response><Say>unclosed</Response>'), TwimlParseError);
    assert.throws(() => parseTwiml('<Reply/>'), TwimlParseError);
    assert.throws(() => parseTwiml('<Response><say>lower case</say></Response>'), TwimlSchemaError);
  });
});

describe('parseTwiml: <Conference> and <Play>', () => {
  it('reads Conference with Twilio defaults and its attributes', () => {
    const [plain] = parseTwiml('<Response><Dial><Conference> room 1 </Conference></Dial></Response>');
    assert.deepEqual(plain?.verb === 'Dial' && plain.targets, [
      {
        kind: 'conference',
        name: 'room 1',
        muted: false,
        beep: 'true',
        startConferenceOnEnter: true,
        endConferenceOnExit: false,
        waitUrl: undefined,
        participantLabel: undefined,
        maxParticipants: 250,
        statusCallback: undefined,
      },
    ]);
    const [full] = parseTwiml(
      '<Response><Dial><Conference muted="true" beep="false" startConferenceOnEnter="false" ' +
        'endConferenceOnExit="true" waitUrl="" participantLabel="agent" maxParticipants="3" ' +
        'statusCallback="/events" statusCallbackMethod="GET" statusCallbackEvent="join leave hold">r</Conference></Dial></Response>',
    );
    assert.deepEqual(full?.verb === 'Dial' && full.targets[0], {
      kind: 'conference',
      name: 'r',
      muted: true,
      beep: 'false',
      startConferenceOnEnter: false,
      endConferenceOnExit: true,
      waitUrl: '',
      participantLabel: 'agent',
      maxParticipants: 3,
      statusCallback: { url: '/events', method: 'GET', events: ['join', 'leave', 'hold'] },
    });
    const [events] = parseTwiml(
      '<Response><Dial><Conference statusCallback="/e">r</Conference></Dial></Response>',
    );
    assert.deepEqual(
      events?.verb === 'Dial' && events.targets[0]?.statusCallback?.events,
      ['start', 'end'],
      "Twilio's default conference events",
    );
  });

  it('rejects bad Conference attributes and mixed nouns with 12200', () => {
    const bad = [
      '<Conference beep="loud">r</Conference>',
      '<Conference muted="yes">r</Conference>',
      '<Conference statusCallback="/e" statusCallbackEvent="start explode">r</Conference>',
      '<Conference></Conference>',
      '<Conference>r</Conference><Number>+15551230001</Number>',
    ];
    for (const nouns of bad) {
      assert.throws(() => parseTwiml(`<Response><Dial>${nouns}</Dial></Response>`), TwimlSchemaError, nouns);
    }
  });

  it('reads Play with its loop (0 = until the call ends)', () => {
    assert.deepEqual(
      parseTwiml('<Response><Play loop="0">/sounds/hold</Play><Play>x.wav</Play></Response>'),
      [
        { verb: 'Play', url: '/sounds/hold', loop: 0 },
        { verb: 'Play', url: 'x.wav', loop: 1 },
      ],
    );
  });
});

describe('signWebhook', () => {
  it('produces signatures twilio.validateRequest accepts', () => {
    const url = 'https://127.0.0.1:8443/api/twilio/voice?x=1';
    const params = { To: '+15551230001', From: 'client:alice', CallSid: 'CA123', Called: '' };
    const signature = signWebhook('secret-token', url, params);
    assert.equal(twilio.validateRequest('secret-token', signature, url, params), true);
    assert.equal(twilio.validateRequest('other-token', signature, url, params), false);
  });
});
