/* Drafts: what a customer types in a form marked data-draft="<key>" is kept in this tab's
 * sessionStorage, so a lost session (a second login, a timeout) never costs the text: after
 * logging in again the form is filled in from the draft. A page that confirms a send carries
 * <meta name="draft-sent" content="<key>">, which drops that draft. Drafts are tagged with the
 * customer (data-draft-owner), so on a shared computer nobody is offered someone else's text,
 * and a page of another customer removes them. Forms marked data-draft or data-once are sent
 * once per click: the button is disabled until the page is shown again. */
(function () {
  "use strict";

  var PREFIX = "portal-draft:";

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  function storeKey(owner, key) {
    return PREFIX + owner + ":" + key;
  }

  function keptKeys(store) {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        keys.push(name);
      }
    }
    return keys;
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled) {
        return false;
      }
      var tag = field.tagName.toLowerCase();
      return tag === "textarea" || tag === "select" ||
        (tag === "input" && (field.type === "text" || field.type === "email"));
    });
  }

  function isTyped(field) {
    return field.tagName.toLowerCase() !== "select" && field.value.trim() !== "";
  }

  function save(store, form) {
    var values = {};
    draftFields(form).forEach(function (field) {
      values[field.name] = field.value;
    });
    try {
      store.setItem(storeKey(form.dataset.draftOwner, form.dataset.draft),
                    JSON.stringify(values));
    } catch (error) {
      /* storage full or refused: the form still works, only without a draft */
    }
  }

  function restore(store, form) {
    var fields = draftFields(form);
    if (fields.some(isTyped)) {
      return;
    }
    var kept = store.getItem(storeKey(form.dataset.draftOwner, form.dataset.draft));
    var values;
    try {
      values = kept ? JSON.parse(kept) : null;
    } catch (error) {
      values = null;
    }
    if (!values) {
      return;
    }
    var restored = false;
    fields.forEach(function (field) {
      if (typeof values[field.name] === "string" && values[field.name] !== "") {
        field.value = values[field.name];
        restored = restored || isTyped(field);
      }
    });
    if (restored && form.dataset.draftRestored) {
      var note = document.createElement("p");
      note.className = "flash flash-info draft-restored";
      note.setAttribute("role", "status");
      note.textContent = form.dataset.draftRestored;
      form.insertBefore(note, form.firstChild);
    }
  }

  function forgetSent(store) {
    var sent = document.querySelectorAll('meta[name="draft-sent"]');
    Array.prototype.forEach.call(sent, function (meta) {
      keptKeys(store).forEach(function (name) {
        if (name.slice(name.indexOf(":", PREFIX.length) + 1) === meta.content) {
          store.removeItem(name);
        }
      });
    });
  }

  function forgetOthers(store, owner) {
    keptKeys(store).forEach(function (name) {
      if (name.indexOf(PREFIX + owner + ":") !== 0) {
        store.removeItem(name);
      }
    });
  }

  function sendOnce(form) {
    form.addEventListener("submit", function () {
      var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
      window.setTimeout(function () {
        Array.prototype.forEach.call(buttons, function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  function start() {
    var store = storage();
    var forms = document.querySelectorAll("form[data-draft]");
    if (store) {
      forgetSent(store);
      if (forms.length && forms[0].dataset.draftOwner) {
        forgetOthers(store, forms[0].dataset.draftOwner);
      }
    }
    Array.prototype.forEach.call(forms, function (form) {
      if (store && form.dataset.draftOwner) {
        restore(store, form);
        form.addEventListener("input", function () { save(store, form); });
        form.addEventListener("change", function () { save(store, form); });
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft], form[data-once]"),
                                 sendOnce);
  }

  /* Back to a page kept by the browser: its buttons were disabled by the send. */
  window.addEventListener("pageshow", function () {
    var buttons = document.querySelectorAll(
      "form[data-draft] button:disabled, form[data-once] button:disabled");
    Array.prototype.forEach.call(buttons, function (button) {
      button.disabled = false;
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
