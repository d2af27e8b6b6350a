"use strict";
// The workflow's buttons act on what is saved. Once the form holds unsaved changes,
// ask before a button (a form or link outside the change form) would leave them behind.
(function () {
  const form = document.getElementById("release_form");
  const panel = document.querySelector(".workflow[data-unsaved-warning]");
  if (!form || !panel) {
    return;
  }
  let dirty = false;
  const mark = () => { dirty = true; };
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("submit", () => { dirty = false; });
  if (window.CKEDITOR) {
    window.CKEDITOR.on("instanceReady", (event) => event.editor.on("change", mark));
  }
  const keep = (event) => {
    if (dirty && !window.confirm(panel.dataset.unsavedWarning)) {
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
