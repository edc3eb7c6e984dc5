/* The brand colour's preview on the settings and branch forms: while the colour is edited, recompute its
   WCAG contrast on white, the text colour for buttons drawn in it and the link colour derived from it, the
   same way apps/core/colors.py does (the server's values are the ones saved and used by every page). The
   sentences come translated from the preview's data-*-text attributes, their {placeholders} filled here. */
(function () {
  "use strict";
  var AA = 4.5;
  var WHITE = "#ffffff", DARK_INK = "#111111", BLACK = "#000000", SURFACE = "#e7eefc";
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function channels(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function toHex(rgb) {
    return "#" + rgb.map(function (c) {
      var v = Math.max(0, Math.min(255, Math.round(c)));
      return (v < 16 ? "0" : "") + v.toString(16);
    }).join("");
  }
  function linear(c) {
    c = c / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function luminance(hex) {
    var c = channels(hex);
    return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
  }
  function ratio(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function textOn(bg) {
    var onWhite = ratio(bg, WHITE), onDark = ratio(bg, DARK_INK);
    var best = onWhite >= onDark ? [WHITE, onWhite] : [DARK_INK, onDark];
    if (best[1] >= AA) return best[0];
    return onWhite >= ratio(bg, BLACK) ? WHITE : BLACK;
  }
  // Python's colorsys HLS conversions.
  function rgbToHls(r, g, b) {
    var max = Math.max(r, g, b), min = Math.min(r, g, b), l = (max + min) / 2;
    if (max === min) return [0, l, 0];
    var d = max - min, s = l <= 0.5 ? d / (max + min) : d / (2 - max - min);
    var rc = (max - r) / d, gc = (max - g) / d, bc = (max - b) / d, h;
    if (r === max) h = bc - gc; else if (g === max) h = 2 + rc - bc; else h = 4 + gc - rc;
    h = ((h / 6) % 1 + 1) % 1;
    return [h, l, s];
  }
  function v(m1, m2, hue) {
    hue = ((hue % 1) + 1) % 1;
    if (hue < 1 / 6) return m1 + (m2 - m1) * hue * 6;
    if (hue < 0.5) return m2;
    if (hue < 2 / 3) return m1 + (m2 - m1) * (2 / 3 - hue) * 6;
    return m1;
  }
  function hlsToRgb(h, l, s) {
    if (s === 0) return [l, l, l];
    var m2 = l <= 0.5 ? l * (1 + s) : l + s - l * s, m1 = 2 * l - m2;
    return [v(m1, m2, h + 1 / 3), v(m1, m2, h), v(m1, m2, h - 1 / 3)];
  }
  function inkFor(hex) {
    hex = hex.toLowerCase();
    if (ratio(hex, SURFACE) >= AA) return hex;
    var c = channels(hex), hls = rgbToHls(c[0] / 255, c[1] / 255, c[2] / 255);
    function shade(level) {
      return toHex(hlsToRgb(hls[0], level, hls[2]).map(function (x) { return x * 255; }));
    }
    var passing = 0, failing = hls[1];
    for (var i = 0; i < 40; i++) {
      var middle = (passing + failing) / 2;
      if (ratio(shade(middle), SURFACE) >= AA) passing = middle; else failing = middle;
    }
    var candidate = shade(passing);
    while (ratio(candidate, SURFACE) < AA && passing > 0) {
      passing = Math.max(0, passing - 0.002);
      candidate = shade(passing);
    }
    return candidate;
  }
  function format(r) {
    var shown = Math.round(r * 10) / 10;
    if ((r < 3 && shown >= 3) || (r < AA && shown >= AA)) return Math.floor(r * 100) / 100 + ":1";
    return shown + ":1";
  }
  // The English sentences, should a template not give translated ones.
  var SUMMARY = "{color}: {ratio} on white. Text on it is shown in {text} ({text_ratio}), links in {ink} " +
    "({ink_ratio} on white).";
  var WARNING = "{color} has a contrast of {ratio} on white, below the {minimum} that WCAG AA asks of text: " +
    "text on it will be shown in {text}, links in {ink}.";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function enhance(preview) {
    var input = document.getElementById(preview.getAttribute("data-input"));
    if (!input) return;
    var summary = preview.querySelector("[data-brand-ratio]");
    var warning = preview.querySelector("[data-brand-warning]");
    var summaryText = preview.getAttribute("data-summary-text") || SUMMARY;
    var warningText = preview.getAttribute("data-warning-text") || WARNING;
    function words(text) {
      var name = text === WHITE ? "white" : text === DARK_INK ? "dark-ink" : "black";
      return preview.getAttribute("data-word-" + name) || name.replace("-", " ");
    }

    function update() {
      var color = input.value.trim().toLowerCase();
      if (!HEX.test(color)) {
        preview.hidden = true;
        return;
      }
      var text = textOn(color), ink = inkFor(color), onWhite = ratio(color, WHITE);
      preview.hidden = false;
      preview.style.setProperty("--brand", color);
      preview.style.setProperty("--brand-text", text);
      preview.style.setProperty("--brand-ink", ink);
      summary.textContent = fill(summaryText, {
        color: color, ratio: format(onWhite), text: words(text), text_ratio: format(ratio(text, color)),
        ink: ink, ink_ratio: format(ratio(ink, WHITE))
      });
      if (onWhite < AA) {
        warning.textContent = fill(warningText, {
          color: color, ratio: format(onWhite), minimum: format(AA), text: words(text), ink: ink
        });
        warning.hidden = false;
      } else {
        warning.hidden = true;
      }
    }

    input.addEventListener("input", update);
    input.addEventListener("change", update);
  }

  document.querySelectorAll("[data-brand-preview]").forEach(enhance);
})();
