/* eslint-disable no-undef -- a classic script in the style of ServiceNow's documentation: jQuery, $j, SNC */
// The examples of ServiceNow's NotifyClient documentation (../shared/seed/notify-client-api.txt), run
// as written. Changes, each marked below: the placeholder numbers are the demo's Notify number; the
// documentation binds its hangupCall() example to #pickupCallBtn (a typo there), here #hangupCallBtn;
// its sendDtmf example (`notifyClient.SendDtmf( "1246AF" ) {} );`) is not valid JavaScript and
// "F" is no DTMF digit, so it is sendDtmf("1246") here; the first example's client closes once online.
// $j is the page's jQuery alias (legacy.html), as on ServiceNow pages.
var log = function (text) {
  $j('<li>')
    .text(new Date().toLocaleTimeString() + ' ' + text)
    .prependTo('#log');
};

// ---- NotifyClient - Client(Object notifyConfig, Boolean initializeVendorClientLazily) ----
jQuery(function () {
  var notifyConfig = {
    autoLoadScriptResources: true, // This will take care of auto loading the JS resources needed by the client (if any)
  };
  var client = new SNC.Notify.Client(notifyConfig, true); // The second argument ensures that the proper vendor for the given number is auto determined
  client.setCallerId('+15005550006' /* 'valid_notify_long_number' */, function () {
    // This is called after the vendor has been determined.
    if (!notifyConfig.vendor)
      // Means this number has no compatible vendor
      return;
    client.addEventListener(SNC.Notify.STD_EVENTS.ONLINE, function () {
      // Ability to call is available
      log('first example: ONLINE (vendor ' + notifyConfig.vendor + ')');
      // Change: the example's client closes once it has shown ONLINE. An incoming call rings one session per
      // user (server/README.md, "Who rings"), and this page's phone is notifyClient below.
      client.destroy();
    });
    client.addEventListener(SNC.Notify.STD_EVENTS.OFFLINE, function () {
      // Ability to call is _not_ available right now
    });
    client.addEventListener(SNC.Notify.STD_EVENTS.ERROR, function (msg, code) {
      // Some error happened
      log('first example: ERROR ' + code + ' ' + msg);
    });
    //... register other event handlers here
    //Show UI elements which can be used to invoke client.call() and other APIs
    client.init(); // This is important to call this.
  });
});

// ---- NotifyClient - init() / setCallerId(): the client the buttons use ----
var notifyClient;
var notifyConfig = { vendor: SNC.Notify.Vendor.TWILIO_DIRECT, autoLoadScriptResources: true };
$j(function () {
  notifyClient = new SNC.Notify.Client(notifyConfig);
  notifyClient.setCallerId('+15005550006' /* '+31858889170' */);

  // ---- addEventListener(String event, Function fn), every STD_EVENT, and de-registering ----
  $j.each(SNC.Notify.STD_EVENTS, function (name, event) {
    notifyClient.addEventListener(event, function () {
      log(name + ' ' + JSON.stringify([].slice.call(arguments)));
      $j('#status').text(notifyClient.getStatus());
    });
  });
  // ---- addEventListener: "This example shows how to register multiple listeners." ----
  notifyClient.addEventListener(SNC.Notify.STD_EVENTS.ONLINE, function () {
    // Ability to call is available
    log('second ONLINE listener');
  });
  notifyClient.addEventListener(SNC.Notify.STD_EVENTS.ERROR, function (msg, code) {
    // Some error happened
    log('ERROR listener: ' + code);
  });
  // ---- addEventListener: "This example shows how to de-register a listener." ----
  var dereg = notifyClient.addEventListener(SNC.Notify.STD_EVENTS.ONLINE, function () {
    log('never logged: de-registered');
  });
  dereg();
  // The event listener function is no longer triggered.

  notifyClient.init();
});

// ---- call(Object identifier) ----
$j('#callNumberBtn').on('click', function () {
  notifyClient.call({
    phoneNumber: '+18001112223',
  });
});

// ---- pickupCall() ----
$j('#pickupCallBtn').on('click', function () {
  notifyClient.pickupCall();
});

// ---- hangupCall() (#hangupCallBtn: the documentation says #pickupCallBtn) ----
$j('#hangupCallBtn').on('click', function () {
  notifyClient.hangupCall();
});

// ---- mute(Boolean muted) ----
$j('#muteBtn').on('click', function () {
  notifyClient.mute('true');
});

// ---- sendDtmf(String digits) ----
$j('#dtmfBtn').on('click', function () {
  notifyClient.sendDtmf('1246');
});

// ---- forwardCall(Object argument) ----
$j('#forwardBtn').on('click', function () {
  var arg = {
    type: 'number',
    id: '+17012345678',
    dtmf: '1234',
  };
  notifyClient.forwardCall(arg);
});

// ---- getAvailableClients(Function callback) ----
$j('#availableBtn').on('click', function () {
  notifyClient.getAvailableClients(function (clients) {
    log('available clients: ' + JSON.stringify(clients));
  });
});

// ---- getStatus() ----
$j('#statusBtn').on('click', function () {
  var clientStatus = notifyClient.getStatus();
  log('getStatus(): ' + clientStatus);
});
