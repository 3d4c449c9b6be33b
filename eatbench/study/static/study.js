/* The study page: answers stay disabled until the video has played to its end (the played time
   must cover nearly all of it, so seeking to the end does not count), and until every slider moved. */
"use strict";
(function () {
  const video = document.getElementById("video");
  const fields = document.getElementById("questions");
  const next = document.getElementById("next");
  const note = document.getElementById("watch-note");
  let watched = false;

  function playedSeconds() {
    let s = 0;
    for (let i = 0; i < video.played.length; i++) s += video.played.end(i) - video.played.start(i);
    return s;
  }
  function ready() {
    const sliders = Array.from(document.querySelectorAll("input.score"));
    const allMoved = sliders.every((s) => s.dataset.touched === "1");
    const vote = document.querySelector("input[name=tend]");
    const voted = !vote || document.querySelector("input[name=tend]:checked") !== null;
    next.disabled = !(watched && allMoved && voted);
  }
  video.addEventListener("ended", () => {
    if (playedSeconds() >= 0.9 * video.duration) {
      watched = true;
      fields.disabled = false;
      note.textContent = "Thank you — you can answer now (and watch again if you like).";
    } else {
      note.textContent = "Please watch the whole video without skipping.";
    }
    ready();
  });
  for (const s of document.querySelectorAll("input.score")) {
    s.addEventListener("input", () => {
      s.dataset.touched = "1";
      document.getElementById("o-" + s.name).textContent = s.value;
      ready();
    });
  }
  for (const r of document.querySelectorAll("input[name=tend]")) r.addEventListener("change", ready);
  window.eatbenchStudy = { playedSeconds, ready };
})();
