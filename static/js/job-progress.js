// Follows each job progress section until the job ends, then offers its result.
(function () {
  "use strict";

  function follow(section) {
    var bar = section.querySelector("progress");
    var state = section.querySelector(".job-state");
    var result = section.querySelector(".job-result");
    var texts = section.querySelector(".job-texts").dataset;

    function show(job) {
      bar.value = job.percent;
      bar.textContent = job.percent + " %";
      if (job.status === "done") {
        state.textContent = (texts.done + " " + (job.message || "")).trim();
        result.hidden = false;
        return true;
      }
      if (job.status === "failed") {
        state.textContent = texts.failed + " " + job.message;
        return true;
      }
      state.textContent = texts.working
        .replace("{done}", job.done)
        .replace("{total}", job.total || "?");
      return false;
    }

    function poll() {
      fetch(section.dataset.jobStatus, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) { if (!show(job)) { setTimeout(poll, 500); } })
        .catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  }

  document.querySelectorAll(".job-progress").forEach(follow);
})();
