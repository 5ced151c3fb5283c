// Follows a running job without reloading the page: asks its status every two seconds,
// moves the bar and the text, and reloads the page once the job has finished to show the
// result. Without JavaScript the page refreshes itself instead (a <noscript> refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("progress");
  var state = box.querySelector("[role=status]");
  var finished = ["done", "failed", "cancelled"];

  function show(job) {
    if (finished.indexOf(job.status) >= 0) {
      window.location.reload();
      return;
    }
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
      bar.textContent = job.percent + "%";
    }
    if (job.statusText) {
      state.textContent = job.statusText;
    }
    window.setTimeout(ask, 2000);
  }

  function ask() {
    fetch(box.getAttribute("data-job-status"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(show)
      .catch(function () {
        window.setTimeout(ask, 5000);
      });
  }
  window.setTimeout(ask, 2000);
})();
