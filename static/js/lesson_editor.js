// The lesson editor's rich text (static/vendor/tiptap/, built from npm; see static/vendor/README.md).
//
// The page works without this script: the text is a textarea in Markdown or HTML, and Preview posts the form
// back. With it, the HTML format is edited in TipTap, which writes its HTML into that textarea (the form
// sends it as before, with body_format=html). What TipTap writes is exactly what the server's sanitizer
// (apps/courses/rendering.py, nh3) keeps, so the stored text is what learners get: links carry
// rel="noopener noreferrer" after their href and no target; tables have no style or <colgroup>; cells no
// style (alignment is the align attribute). tests/courses/test_rich_editor_roundtrip.py and
// tests/browser/test_rich_editor.py hold it to that.
//
// Switching the format: Markdown -> HTML sends the Markdown to the server's own renderer (the preview
// endpoint) and edits the result; HTML -> Markdown keeps the HTML in the textarea (Markdown accepts HTML).
// Preview posts the draft to the same endpoint and shows the sanitized fragment, styled as in the player.
// Under the CSP: no inline script or style; TipTap's own <style> injection is off (static/css/editor.css).
(function () {
  "use strict";

  var root = document.getElementById("rich-editor");
  var T = window.TipTap;
  if (!root || !T || !window.fetch || typeof HTMLDialogElement === "undefined") return;

  var textarea = document.getElementById(root.dataset.body);
  var format = document.getElementById(root.dataset.format);
  var form = document.getElementById("lesson-form");
  var mount = document.getElementById("rich-editor-mount");
  var toolbar = root.querySelector("[role=toolbar]");
  var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
  var status = document.getElementById("editor-status");
  var previewSection = document.getElementById("lesson-preview");
  var previewBody = document.getElementById("preview-body");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var text = root.dataset; // the messages, translated by the template (data-say-*)
  var REL = "noopener noreferrer"; // nh3's link_rel
  var SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i; // the sanitizer's schemes, or this site's paths

  if (!textarea || !format || !form) return;

  function say(text) { if (status) status.textContent = text; }

  // --- the extensions, configured to write what the sanitizer keeps ----------------------------------------

  var Link = T.Link.extend({
    renderHTML: function (props) {
      var attrs = props.HTMLAttributes;
      var out = { href: SAFE_URL.test(attrs.href || "") ? attrs.href : "" };
      if (attrs.title) out.title = attrs.title;
      out.rel = REL; // last, where nh3 puts it
      return ["a", out, 0];
    },
  }).configure({
    openOnClick: false,
    autolink: true,
    defaultProtocol: "https",
    HTMLAttributes: { target: null, rel: REL, class: null },
    isAllowedUri: function (url) { return SAFE_URL.test(url || ""); },
  });

  var Table = T.Table.extend({
    renderHTML: function (props) {
      var attrs = Object.assign({}, props.HTMLAttributes);
      delete attrs.style;
      return ["table", attrs, ["tbody", 0]];
    },
  }).configure({ resizable: false });

  function alignAttribute() {
    return {
      default: null,
      parseHTML: function (element) {
        // From the attribute, or from a style (renamed by withoutStyles).
        var style = /text-align\s*:\s*(left|center|right)/i.exec(element.getAttribute("data-style") || "");
        var value = (element.getAttribute("align") || (style ? style[1] : "")).toLowerCase();
        return ["left", "center", "right"].indexOf(value) >= 0 ? value : null;
      },
      renderHTML: function (attrs) { return attrs.align ? { align: attrs.align } : {}; },
    };
  }

  function cell(base) {
    return base.extend({
      addAttributes: function () {
        var attrs = this.parent ? this.parent() : {};
        attrs.align = alignAttribute();
        attrs.colwidth = { default: null, parseHTML: function () { return null; }, renderHTML: function () { return {}; } };
        return attrs;
      },
    });
  }

  // HTML given to the editor (a lesson written elsewhere, a paste) may carry style attributes, which the CSP
  // refuses, and reports, as soon as they are parsed; the sanitizer drops them anyway. So they are renamed
  // before parsing (the alignment of a table cell is read from the renamed one).
  function withoutStyles(html) {
    return String(html || "").replace(/<[a-z][^>]*>/gi, function (tag) {
      return tag.replace(/(\s)style(\s*=)/gi, "$1data-style$2");
    });
  }

  var editor = null;

  function createEditor(html) {
    editor = new T.Editor({
      element: mount,
      injectCSS: false,
      content: withoutStyles(html),
      extensions: [
        T.StarterKit.configure({ link: false, heading: { levels: [1, 2, 3, 4, 5, 6] } }),
        Link,
        T.Image.configure({ inline: false, allowBase64: false }),
        Table,
        T.TableRow,
        cell(T.TableHeader),
        cell(T.TableCell),
        T.Placeholder.configure({ placeholder: text.sayPlaceholder }),
      ],
      editorProps: {
        attributes: {
          class: "rich-text lesson-body rich-editor-content",
          role: "textbox",
          "aria-multiline": "true",
          "aria-labelledby": "body-label",
          "aria-describedby": textarea.id + "_helptext",
        },
        transformPastedHTML: withoutStyles,
        handleKeyDown: function (view, event) {
          if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
            event.preventDefault();
            openLink();
            return true;
          }
          if (event.altKey && event.key === "F10") {
            event.preventDefault();
            focusToolbar();
            return true;
          }
          return false;
        },
      },
      onUpdate: function () { sync(); refresh(); },
      onSelectionUpdate: refresh,
      onTransaction: refresh,
    });
  }

  function sync() {
    // Without the empty paragraph TipTap keeps after a last table or picture (to write after it).
    if (editor && format.value === "html") {
      textarea.value = editor.isEmpty ? "" : editor.getHTML().replace(/(<p><\/p>)+$/, "");
    }
  }

  // --- the toolbar -----------------------------------------------------------------------------------------

  function chain() { return editor.chain().focus(); }

  var actions = {
    heading2: { run: function () { chain().toggleHeading({ level: 2 }).run(); }, active: function () { return editor.isActive("heading", { level: 2 }); } },
    heading3: { run: function () { chain().toggleHeading({ level: 3 }).run(); }, active: function () { return editor.isActive("heading", { level: 3 }); } },
    bulletList: { run: function () { chain().toggleBulletList().run(); }, active: function () { return editor.isActive("bulletList"); } },
    orderedList: { run: function () { chain().toggleOrderedList().run(); }, active: function () { return editor.isActive("orderedList"); } },
    blockquote: { run: function () { chain().toggleBlockquote().run(); }, active: function () { return editor.isActive("blockquote"); } },
    codeBlock: { run: function () { chain().toggleCodeBlock().run(); }, active: function () { return editor.isActive("codeBlock"); } },
    bold: { run: function () { chain().toggleBold().run(); }, active: function () { return editor.isActive("bold"); }, can: function () { return editor.can().toggleBold(); } },
    italic: { run: function () { chain().toggleItalic().run(); }, active: function () { return editor.isActive("italic"); }, can: function () { return editor.can().toggleItalic(); } },
    code: { run: function () { chain().toggleCode().run(); }, active: function () { return editor.isActive("code"); }, can: function () { return editor.can().toggleCode(); } },
    link: { run: function () { openLink(); }, active: function () { return editor.isActive("link"); } },
    image: { run: function () { openImage(); } },
    table: {
      run: function () { chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(); say(text.sayTable); },
      can: function () { return editor.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }); },
    },
    addRow: { run: function () { chain().addRowAfter().run(); }, can: function () { return editor.can().addRowAfter(); } },
    addColumn: { run: function () { chain().addColumnAfter().run(); }, can: function () { return editor.can().addColumnAfter(); } },
    deleteRow: { run: function () { chain().deleteRow().run(); }, can: function () { return editor.can().deleteRow(); } },
    deleteColumn: { run: function () { chain().deleteColumn().run(); }, can: function () { return editor.can().deleteColumn(); } },
    deleteTable: { run: function () { chain().deleteTable().run(); }, can: function () { return editor.can().deleteTable(); } },
    undo: { run: function () { chain().undo().run(); }, can: function () { return editor.can().undo(); } },
    redo: { run: function () { chain().redo().run(); }, can: function () { return editor.can().redo(); } },
  };

  var current = buttons[0]; // the toolbar's one tab stop (roving tabindex)

  function refresh() {
    if (!editor) return;
    buttons.forEach(function (button) {
      var action = actions[button.dataset.action];
      if (!action) return;
      button.disabled = action.can ? !action.can() : false;
      if (button.hasAttribute("aria-pressed")) button.setAttribute("aria-pressed", action.active() ? "true" : "false");
    });
    if (current.disabled) current = enabled()[0] || buttons[0];
    buttons.forEach(function (button) { button.tabIndex = button === current ? 0 : -1; });
  }

  function enabled() { return buttons.filter(function (button) { return !button.disabled; }); }

  function focusToolbar() { refresh(); current.focus(); }

  // A click on the toolbar leaves the focus (and the selection, with a pending bold or italic) in the text.
  toolbar.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) event.preventDefault();
  });

  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || button.disabled || !editor) return;
    current = button;
    actions[button.dataset.action].run();
    refresh();
  });

  toolbar.addEventListener("keydown", function (event) {
    var list = enabled();
    var index = list.indexOf(document.activeElement);
    if (index < 0) return;
    var next = null;
    if (event.key === "ArrowRight") next = list[(index + 1) % list.length];
    else if (event.key === "ArrowLeft") next = list[(index - 1 + list.length) % list.length];
    else if (event.key === "Home") next = list[0];
    else if (event.key === "End") next = list[list.length - 1];
    else if (event.key === "Escape") { event.preventDefault(); editor.commands.focus(); return; }
    if (!next) return;
    event.preventDefault();
    current = next;
    refresh();
    next.focus();
  });

  // --- the link and image dialogs --------------------------------------------------------------------------

  function dialogParts(id) {
    var dialog = document.getElementById(id);
    return { dialog: dialog, form: dialog.querySelector("form") };
  }

  function fieldError(input, text) {
    var error = document.getElementById(input.id + "-error");
    error.textContent = text;
    error.hidden = !text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  var link = dialogParts("link-dialog");
  var linkUrl = document.getElementById("link-url");
  var linkText = document.getElementById("link-text");
  var linkTextField = document.getElementById("link-text-field");

  function newLink() { return editor.state.selection.empty && !editor.isActive("link"); }

  function openLink() {
    linkUrl.value = editor.getAttributes("link").href || "";
    fieldError(linkUrl, "");
    document.getElementById("link-remove").hidden = !editor.isActive("link");
    linkText.value = "";
    linkTextField.hidden = !newLink();
    link.dialog.showModal();
    linkUrl.focus();
  }

  link.form.addEventListener("submit", function (event) {
    var choice = event.submitter ? event.submitter.value : "apply";
    var url = linkUrl.value.trim();
    if (choice === "apply") {
      if (url && !/^[a-z][a-z0-9+.-]*:|^\/|^#/i.test(url)) url = "https://" + url;
      if (!SAFE_URL.test(url)) {
        event.preventDefault();
        fieldError(linkUrl, text.sayLinkBad);
        linkUrl.focus();
        return;
      }
      var c = chain().extendMarkRange("link");
      if (newLink()) {
        var words = linkText.value.trim() || url;
        c.insertContent({ type: "text", text: words, marks: [{ type: "link", attrs: { href: url } }] }).run();
      } else {
        c.setLink({ href: url }).run();
      }
      say(text.sayLinkSet);
    } else if (choice === "remove") {
      chain().extendMarkRange("link").unsetLink().run();
      say(text.sayLinkRemoved);
    }
  });
  link.dialog.addEventListener("close", function () { editor.commands.focus(); });

  var image = dialogParts("image-dialog");
  var imageUrl = document.getElementById("image-url");
  var imageAlt = document.getElementById("image-alt");
  var imageChoice = document.getElementById("image-choice");

  function openImage() {
    imageUrl.value = "";
    imageAlt.value = "";
    if (imageChoice) imageChoice.value = "";
    fieldError(imageUrl, "");
    fieldError(imageAlt, "");
    image.dialog.showModal();
    (imageChoice || imageUrl).focus();
  }

  if (imageChoice) {
    imageChoice.addEventListener("change", function () {
      if (!imageChoice.value) return;
      imageUrl.value = imageChoice.value;
      if (!imageAlt.value) imageAlt.value = imageChoice.options[imageChoice.selectedIndex].text.replace(/\.[a-z0-9]+$/i, "");
    });
  }

  image.form.addEventListener("submit", function (event) {
    var choice = event.submitter ? event.submitter.value : "insert";
    if (choice !== "insert") return;
    var url = imageUrl.value.trim();
    var alt = imageAlt.value.trim();
    var urlProblem = /^(https?:\/\/|\/(?!\/))/i.test(url) ? "" : text.sayImageBad;
    var altProblem = alt ? "" : text.sayImageAlt;
    fieldError(imageUrl, urlProblem);
    fieldError(imageAlt, altProblem);
    if (urlProblem || altProblem) {
      event.preventDefault();
      (urlProblem ? imageUrl : imageAlt).focus();
      return;
    }
    // The picture, then a paragraph to go on writing in (a selected picture would be replaced by what
    // comes next, a table say).
    chain().insertContent([{ type: "image", attrs: { src: url, alt: alt } }, { type: "paragraph" }]).run();
    say(text.sayImageSet);
  });
  image.dialog.addEventListener("close", function () { editor.commands.focus(); });

  // --- the server: preview, and Markdown turned into HTML --------------------------------------------------

  function render(body, bodyFormat) {
    return fetch(root.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
      },
      body: JSON.stringify({ body: body, body_format: bodyFormat }),
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      return response.json();
    }).then(function (data) { return data.html; });
  }

  var previewButton = form.querySelector("button[name=preview]");
  previewButton.addEventListener("click", function (event) {
    event.preventDefault();
    sync();
    say(text.sayPreviewBusy);
    render(textarea.value, format.value).then(function (html) {
      // The server's sanitized fragment (render_body): the same HTML the player shows.
      if (html) {
        previewBody.innerHTML = html;
      } else {
        previewBody.innerHTML = '<p class="muted"></p>';
        previewBody.firstChild.textContent = text.sayPreviewEmpty;
      }
      previewSection.hidden = false;
      document.getElementById("preview-title").focus();
      say(text.sayPreviewDone);
    }).catch(function () { say(text.sayPreviewFailed); });
  });

  // --- showing one format or the other ---------------------------------------------------------------------

  var label = document.getElementById("body-label");

  function showFormat(value) {
    var html = value === "html";
    root.hidden = !html;
    textarea.hidden = html;
    // The label names the editor (aria-labelledby) while the textarea is hidden, and the textarea otherwise.
    if (html) label.removeAttribute("for"); else label.htmlFor = textarea.id;
    document.querySelectorAll(".format-help-html").forEach(function (el) { el.hidden = !html; });
    document.querySelectorAll(".format-help-markdown").forEach(function (el) { el.hidden = html; });
    if (html) refresh();
  }

  var shown = format.value;
  format.addEventListener("change", function () {
    var wanted = format.value;
    if (wanted === shown) return;
    if (wanted === "html") {
      var markdown = textarea.value;
      var converted = markdown.trim() ? render(markdown, "markdown") : Promise.resolve("");
      format.disabled = true;
      converted.then(function (html) {
        editor.commands.setContent(withoutStyles(html), { emitUpdate: false });
        shown = "html";
        sync();
        showFormat("html");
        say(markdown.trim() ? text.sayToHtml : text.sayToHtmlEmpty);
      }).catch(function () {
        format.value = shown;
        say(text.sayToHtmlFailed);
      }).then(function () { format.disabled = false; });
    } else {
      sync();
      shown = wanted;
      showFormat(wanted);
      say(text.sayToMarkdown);
    }
  });

  label.addEventListener("click", function () {
    if (format.value === "html" && editor) editor.commands.focus();
  });

  form.addEventListener("submit", function () { sync(); });

  // A new lesson starts as formatted text; an existing one opens in its own format.
  if (root.dataset.new === "1" && !textarea.value.trim()) {
    format.value = "html";
    shown = "html";
  }
  createEditor(shown === "html" ? textarea.value : "");
  showFormat(shown);
})();
