"use strict";
// The workflow's buttons act on what is saved. Once the form holds unsaved changes
// (form.dataset.unsaved, kept by admin-form.js), ask before a button (a form or link
// outside the change form) would leave them behind; going on leaves them knowingly,
// so the browser's own warning before leaving the page does not ask again.
(function () {
  const form = document.getElementById("release_form");
  const panel = document.querySelector(".workflow[data-unsaved-warning]");
  if (!form || !panel) {
    return;
  }
  const keep = (event) => {
    if (form.dataset.unsaved !== "true") {
      return;
    }
    if (window.confirm(panel.dataset.unsavedWarning)) {
      delete form.dataset.unsaved;
    } else {
      event.preventDefault();
    }
  };
  panel.addEventListener("submit", keep, true);
  panel.addEventListener("click", (event) => {
    if (event.target.closest("a.button")) {
      keep(event);
    }
  });
})();
