// The negative control: a deliberately naive interception, the way monitoring SDKs have broken
// apps. It rebuilds the Request, chains .then on the fetch promise, and replaces the XHR
// constructor with a function. The differential suite must FAIL with it (a test asserts so):
// proof that the suite can see these breakages.
(function () {
  "use strict";
  var seen = [];
  window.__naiveSeen = seen;
  var originalFetch = window.fetch;
  window.fetch = function (input, init) {
    var request = new Request(input, init); // rebuilds the Request (throws synchronously)
    seen.push(request.url);
    return originalFetch(request).then(function (response) {
      return response; // chains .then (one more tick, a new promise)
    });
  };
  var NativeXhr = window.XMLHttpRequest;
  window.XMLHttpRequest = function () {
    // replaces the constructor: no constants, no subclassing, prototype chain lost
    var xhr = new NativeXhr();
    var open = xhr.open;
    xhr.open = function (method, url) {
      seen.push(String(url));
      return open.apply(xhr, arguments);
    };
    return xhr;
  };
})();
