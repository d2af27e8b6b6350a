"use strict";
// Comforts of the release form; without this script the form works just the same.
// - Under the title and the teaser, a counter against the recommended length (the
//   fields' data-recommended-length, set in releases/forms.py), in a warning colour
//   above it.
// - A warning before leaving the page while the form holds unsaved changes. Saving
//   clears it; the „Vorschau“ button (a new tab) does not, as nothing is saved then.
//   form.dataset.unsaved is the one record of unsaved changes: admin-workflow.js asks
//   it before a workflow button leaves them behind.
(function () {
  const form = document.getElementById("release_form");
  if (!form) {
    return;
  }

  for (const field of form.querySelectorAll("[data-recommended-length]")) {
    const limit = Number(field.dataset.recommendedLength);
    const counter = document.createElement("div");
    counter.className = "help char-counter";
    counter.id = `${field.id}_counter`;
    (field.closest(".flex-container") || field).after(counter);
    field.setAttribute("aria-describedby",
      [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "));
    const update = () => {
      const count = [...field.value].length;
      const over = count > limit;
      const text = over ? field.dataset.counterOverText : field.dataset.counterText;
      counter.textContent = text.replace("{count}", count).replace("{limit}", limit);
      counter.classList.toggle("char-counter-over", over);
    };
    field.addEventListener("input", update);
    update();
  }

  const markUnsaved = () => { form.dataset.unsaved = "true"; };
  form.addEventListener("input", markUnsaved);
  form.addEventListener("change", markUnsaved);
  // The admin's autocomplete fields (select2) report a choice through jQuery only (their
  // jQuery "change" comes on loading, too).
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("select2:select select2:unselect select2:clear",
      markUnsaved);
  }
  if (window.CKEDITOR) {
    // The editor reports a "change" when it settles its markup after loading, too:
    // only a difference from what it loaded counts.
    window.CKEDITOR.on("instanceReady", (ready) => ready.editor.on("change", () => {
      if (ready.editor.checkDirty()) {
        markUnsaved();
      }
    }));
  }
  // A form shown again with errors holds what was not saved.
  if (document.querySelector(".errornote")) {
    markUnsaved();
  }
  form.addEventListener("submit", (event) => {
    if (!(event.submitter && event.submitter.formTarget === "_blank")) {
      delete form.dataset.unsaved;
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (form.dataset.unsaved === "true") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
