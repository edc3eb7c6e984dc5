// The course editor: drag and drop for modules and lessons. Every move also has Up and Down buttons (plain
// forms that work without JavaScript); this script adds dragging by the handle. A drop posts the new order
// of the list it landed in to the editor's reorder endpoint (services.modules_reorder / items_reorder); a
// lesson dropped into another module moves there. If the server refuses, the page reloads to show the truth.
(function () {
  "use strict";

  var moduleList = document.getElementById("module-list");
  if (!moduleList || !window.fetch || !("draggable" in document.createElement("span"))) return;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var status = document.getElementById("reorder-status");
  var dragged = null;   // the <li> being dragged
  var origin = null;    // its list when the drag started
  var startOrder = "";  // that list's order then

  document.querySelectorAll(".drag-handle, .js-only").forEach(function (el) { el.hidden = false; });

  function say(text) { if (status) status.textContent = text; }

  function rows(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.dataset && el.dataset.id; });
  }

  function order(list) { return rows(list).map(function (el) { return el.dataset.id; }); }

  function isModule(el) { return el.classList.contains("editor-module"); }

  function listFor(target) {
    if (!dragged || !target || !target.closest) return null;
    if (isModule(dragged)) return target.closest("#module-list");
    var items = target.closest(".editor-items");
    if (items) return items;
    var module = target.closest(".editor-module");  // over a module's head: its lessons
    return module ? module.querySelector(".editor-items") : null;
  }

  // Up/Down buttons: the first row cannot go up, the last cannot go down; empty lists say so.
  function refresh(list) {
    if (!list) return;
    var all = rows(list);
    all.forEach(function (row, index) {
      var buttons = row.querySelector(".editor-buttons");
      if (!buttons) return;
      var forms = buttons.querySelectorAll(":scope > form");
      if (forms[0]) forms[0].querySelector("button").disabled = index === 0;
      if (forms[1]) forms[1].querySelector("button").disabled = index === all.length - 1;
    });
    var empty = list.querySelector(".editor-empty");
    if (empty) empty.hidden = all.length > 0;
  }

  function rowAfter(list, y) {
    var candidates = rows(list).filter(function (el) { return el !== dragged; });
    for (var i = 0; i < candidates.length; i++) {
      var box = candidates[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return candidates[i];
    }
    return null;
  }

  function post(list) {
    var ids = order(list).map(Number);
    return fetch(list.dataset.reorderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ order: ids }),
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      return response.json();
    });
  }

  // The handles are what is dragged (text, links and fields of a row stay selectable); the row moves.
  document.querySelectorAll(".drag-handle").forEach(function (handle) { handle.draggable = true; });

  moduleList.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    var row = handle && handle.closest("li[data-id]");
    if (!row) return;
    event.stopPropagation();
    dragged = row;
    origin = row.parentElement;
    startOrder = order(origin).join(",");
    row.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.id);
    if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(row, 12, 12);
  });

  moduleList.addEventListener("dragover", function (event) {
    var list = listFor(event.target);
    if (!list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var after = rowAfter(list, event.clientY);
    if (after) {
      if (after.previousElementSibling !== dragged) list.insertBefore(dragged, after);
    } else {
      var empty = list.querySelector(".editor-empty");
      if (empty) list.insertBefore(dragged, empty); else if (list.lastElementChild !== dragged) list.appendChild(dragged);
    }
  });

  moduleList.addEventListener("drop", function (event) {
    if (listFor(event.target)) event.preventDefault();
  });

  moduleList.addEventListener("dragend", function () {
    if (!dragged) return;
    var row = dragged, from = origin, list = row.parentElement;
    row.classList.remove("is-dragging");
    dragged = null;
    var moved = list !== from || order(list).join(",") !== startOrder;
    if (!moved) return;
    refresh(list);
    if (list !== from) refresh(from);
    var title = (row.querySelector(".editor-title") || row).textContent.trim();
    say("Saving the new order…");
    post(list).then(function () {
      say(title + " moved. The new order is saved.");
    }).catch(function () {
      say("The new order could not be saved; reloading.");
      window.location.reload();
    });
  });
})();
