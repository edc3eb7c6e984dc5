// Starts ReDoc on /api/v1/redoc/ (templates/drf_spectacular/redoc.html) without an inline script. ReDoc
// injects <style> elements: it gives them this script's nonce, which the Content-Security-Policy allows.
"use strict";
(function () {
  const container = document.getElementById("redoc-container");
  if (!container || typeof Redoc === "undefined") {
    return;
  }
  const options = JSON.parse(container.dataset.settings || "{}");
  const nonce = document.currentScript && document.currentScript.nonce;
  if (nonce) {
    options.nonce = nonce;
  }
  Redoc.init(container.dataset.specUrl, options, container);
})();
