// The client controller of a Service Portal-style widget around <notify-phone> (AngularJS 1.8). The
// template binds the element with ng-attr-* (attributes), ng-prop-* (properties, objects included) and
// ng-on-* (its notify-… events). controllerAs puts the controller on the widget's $scope as `c`, and
// AngularJS runs ng-on-* handlers inside $scope.$apply, so what they change is in the digest and renders
// at once. What comes from outside AngularJS (the sign-in's fetch) goes
// through $q for the same reason.
import { signIn } from './heard.js';

const angular = /** @type {any} */ (globalThis).angular;

angular.module('notifyDemo', []).directive('notifyWidget', () => ({
  restrict: 'E',
  // Service Portal keeps the widget's template as a string; here it is the page's <template>.
  template: document.querySelector('#notify-widget\\.html').innerHTML,
  controllerAs: 'c',
  controller: [
    '$q',
    function ($q) {
      // Service Portal's convention: the controller is `c`, in the template (controllerAs) and here.
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const c = this;
      c.user = null;
      c.callerId = undefined; // ng-attr-caller-id sets no attribute while this is undefined
      c.online = false;
      c.inCall = false;
      c.callsEnded = 0;
      c.available = false;
      c.strings = { statusReady: 'Ready (AngularJS)', statusUnavailable: 'Not taking calls (AngularJS)' };
      c.entries = [];
      c.log = (entry) => c.entries.unshift(entry);
      c.goOnline = () => {
        c.callerId = '+15005550006';
      };
      c.callStarted = (event) => {
        c.inCall = true;
        c.log(`notify-call-start ${event.detail.callId ?? ''}`);
      };
      c.callEnded = (event) => {
        c.inCall = false;
        c.callsEnded += 1;
        c.log(`notify-call-disconnect ${event.detail.callId ?? ''}`);
      };
      $q.when(signIn('AngularJS user')).then((user) => {
        c.user = user;
      });
    },
  ],
}));

// strictDi: the controller's injections are named, as minified widget code needs.
angular.bootstrap(document.body, ['notifyDemo'], { strictDi: true });
