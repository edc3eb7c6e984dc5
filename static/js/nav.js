/* The main navigation's menu button on narrow screens (progressive enhancement: without this script the
   links simply wrap and stay reachable). Marks the nav as enhanced, shows the button, and toggles the
   links with aria-expanded; Escape closes the menu and returns focus to the button. */
(function () {
  "use strict";
  var MIN_LINKS = 4; // a nav of a few links (e.g. only "Sign in") needs no menu

  function enhance(nav) {
    var button = nav.querySelector(".nav-toggle");
    var links = nav.querySelector(".nav-links");
    if (!button || !links || links.querySelectorAll("a, button").length < MIN_LINKS) return;
    nav.classList.add("nav-enhanced");
    button.hidden = false;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        setOpen(false);
        button.focus();
      }
    });
  }

  document.querySelectorAll("[data-nav]").forEach(enhance);
})();
