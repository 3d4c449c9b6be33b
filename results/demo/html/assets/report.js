/* eatbench report: one control plays, pauses and seeks every visible video; sorting and filters
   for the clip grid; sound from one video at a time. No server, no library: opens from file://. */
"use strict";

(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // ------------------------------------------------------------------ synchronised players
  const visible = (v) => v.offsetParent !== null;
  const players = () => $$("video.sv").filter(visible);
  const playBtn = $("#sync-play");
  const seek = $("#sync-seek");
  const timeOut = $("#sync-time");
  const loop = $("#sync-loop");
  let playing = false;

  function duration() {
    const ds = players().map((v) => v.duration).filter((d) => isFinite(d) && d > 0);
    return ds.length ? Math.max.apply(null, ds) : 0;
  }
  function master() {
    // The longest visible video leads; the others follow it.
    let best = null;
    for (const v of players()) if (!best || (isFinite(v.duration) && v.duration > best.duration)) best = v;
    return best;
  }
  function setAll(t) {
    for (const v of players()) {
      const d = isFinite(v.duration) ? v.duration : t;
      v.currentTime = Math.min(t, Math.max(0, d - 0.001));
    }
    show(t);
  }
  function show(t) {
    const d = duration();
    if (seek && d > 0 && document.activeElement !== seek) seek.value = String(Math.round((t / d) * 1000));
    if (timeOut) timeOut.textContent = t.toFixed(2) + " s";
    for (const line of $$("svg .playhead")) {
      const svg = line.ownerSVGElement;
      const w = svg.viewBox.baseVal.width;
      const x = d > 0 ? (t / d) * w : 0;
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
    }
  }
  function play() {
    playing = true;
    const m = master();
    if (m && m.ended) setAll(0);
    for (const v of players()) {
      const p = v.play();
      if (p && p.catch) p.catch(() => {}); // a video removed or paused meanwhile: nothing to report
    }
    if (playBtn) playBtn.textContent = "❚❚ Pause all";
    requestAnimationFrame(tick);
  }
  function pause() {
    playing = false;
    for (const v of players()) v.pause();
    if (playBtn) playBtn.textContent = "▶ Play all";
  }
  function tick() {
    if (!playing) return;
    const m = master();
    if (!m) return;
    const t = m.currentTime;
    for (const v of players()) {
      if (v === m) continue;
      const end = isFinite(v.duration) ? v.duration : t;
      if (t < end && Math.abs(v.currentTime - t) > 0.08) v.currentTime = t;
      if (t < end && v.paused && !m.paused) {
        const p = v.play();
        if (p && p.catch) p.catch(() => {});
      }
    }
    show(t);
    if (m.ended) {
      if (loop && loop.checked) {
        setAll(0);
        play();
      } else pause();
      return;
    }
    requestAnimationFrame(tick);
  }
  if (playBtn) playBtn.addEventListener("click", () => (playing ? pause() : play()));
  if (seek)
    seek.addEventListener("input", () => {
      setAll((Number(seek.value) / 1000) * duration());
    });
  for (const b of $$("button.unmute")) {
    b.addEventListener("click", () => {
      const v = b.parentElement.querySelector("video");
      const hear = v.muted;
      for (const o of $$("video.sv")) o.muted = true;
      for (const o of $$("button.unmute")) o.classList.remove("on");
      v.muted = !hear;
      if (hear) b.classList.add("on");
    });
  }
  window.eatbenchSync = { play, pause, setAll, players, duration };

  // ---------------------------------------------------------------------- sort and filter
  const grid = $("#grid");
  if (!grid) return;
  const body = grid.tBodies[0];
  const sortKey = $("#sort-key");
  const sortOrder = $("#sort-order");

  function value(row, series, metric) {
    const td = row.querySelector('td[data-series="' + CSS.escape(series) + '"]');
    const raw = td ? td.getAttribute("data-m-" + metric) : null;
    return raw === null ? NaN : Number(raw);
  }
  function sortRows() {
    const rows = Array.from(body.rows);
    const key = sortKey.value;
    if (!key) {
      rows.sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order));
    } else {
      const [series, metric] = key.split("|");
      const hib = sortKey.selectedOptions[0].dataset.hib === "1";
      const best = sortOrder.value === "best";
      const sign = hib === best ? -1 : 1; // best first: descending when higher is better
      rows.sort((a, b) => {
        const x = value(a, series, metric);
        const y = value(b, series, metric);
        if (isNaN(x) && isNaN(y)) return Number(a.dataset.order) - Number(b.dataset.order);
        if (isNaN(x)) return 1; // rows without a value go last, whatever the order
        if (isNaN(y)) return -1;
        return sign * (x - y) || Number(a.dataset.order) - Number(b.dataset.order);
      });
    }
    for (const r of rows) body.appendChild(r);
  }
  function filter() {
    const emo = $("#filter-emotion").value;
    const actor = $("#filter-actor").value;
    let shown = 0;
    for (const r of Array.from(body.rows)) {
      const ok = (!emo || r.dataset.emotion === emo) && (!actor || r.dataset.actor === actor);
      r.hidden = !ok;
      shown += ok;
    }
    const on = new Set($$("input.filter-method").filter((c) => c.checked).map((c) => c.value));
    for (const el of $$("[data-series]", grid)) el.hidden = !on.has(el.dataset.series);
    for (const v of $$("video.sv")) if (!visible(v)) v.pause();
    $("#row-count").textContent = shown + " clips shown";
  }
  sortKey.addEventListener("change", sortRows);
  sortOrder.addEventListener("change", sortRows);
  for (const id of ["#filter-emotion", "#filter-actor"]) $(id).addEventListener("change", filter);
  for (const c of $$("input.filter-method")) c.addEventListener("change", filter);
  for (const dt of $$("dl.values dt")) {
    // Clicking a metric name in a cell sorts the clips by that method's value.
    dt.addEventListener("click", () => {
      const td = dt.closest("td");
      const metric = Array.from(sortKey.options).find(
        (o) => o.value.startsWith(td.dataset.series + "|") && o.textContent.startsWith(dt.textContent.replace(/[↑↓]$/, "") + " of")
      );
      if (metric) {
        sortKey.value = metric.value;
        sortRows();
      }
    });
  }
})();
