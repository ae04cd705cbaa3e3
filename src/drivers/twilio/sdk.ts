/**
 * The Twilio Voice SDK entry, built alone as dist/twilio-voice-sdk.js and loaded on demand by
 * load-sdk.ts. Only re-export what the driver needs.
 */
export { Call, Device } from '@twilio/voice-sdk';
