"use strict";
// While the release's change form is open, tell the server so every minute (and when it
// is closed without saving), and show who else is working on it. Without this script
// the notice is still shown as of the page's loading.
(function () {
  const panel = document.querySelector(".editing[data-presence-url]");
  const form = document.getElementById("release_form");
  if (!panel || !form || !window.fetch) {
    return;
  }
  const token = form.querySelector("input[name=csrfmiddlewaretoken]");
  const list = panel.querySelector(".editing-notices");
  const url = panel.dataset.presenceUrl;
  const seconds = Number(panel.dataset.presenceSeconds) || 60;
  // Any form of the page sent (a save, locking, a workflow button) leads back to the
  // release or on with it: that is no leaving.
  let submitting = false;
  document.addEventListener("submit", () => { submitting = true; });

  const body = (state) => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    if (state) {
      data.append("state", state);
    }
    return data;
  };
  const show = (notices) => {
    list.replaceChildren(...notices.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    list.hidden = notices.length === 0;
  };
  const beat = () => {
    fetch(url, { method: "POST", body: body(), credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => { if (answer) { show(answer.notices); } })
      .catch(() => {});  // the next beat tries again
  };
  window.setInterval(beat, seconds * 1000);
  // A reload's "left" from the page before may arrive after this page was recorded:
  // say at once that the form is open again.
  window.setTimeout(beat, 1000);
  window.addEventListener("pagehide", () => {
    if (!submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, body("left"));
    }
  });
})();
