/* Dashboard charts: every <canvas data-chart="ID"> is drawn from the JSON in <script id="ID">
 * (written by Django's json_script). The JSON is {type, labels, datasets: [{label, data, line}],
 * notes (one tooltip line per label), horizontal (bars along x), y: {title, log, percent}} where y is
 * the value axis; this file only styles it. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }

  var css = getComputedStyle(document.documentElement);
  function colour(name, fallback) { return (css.getPropertyValue(name) || "").trim() || fallback; }
  var palette = [colour("--accent", "#5b4bdb"), colour("--muted", "#646a80"), colour("--accent-2", "#ff4f7b"),
    colour("--ok", "#1f9d63"), colour("--warn", "#c98a00")];
  var dashes = { dash: [6, 4], dot: [2, 3] };

  function number(value) {
    return new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 }).format(value);
  }

  // On a log axis only 1, 2 and 5 times a power of ten get a label, so labels never crowd.
  function tick(value, y) {
    if (y.log) {
      var lead = value / Math.pow(10, Math.floor(Math.log10(value)));
      if ([1, 2, 5].indexOf(Math.round(lead * 1000) / 1000) < 0) { return null; }
    }
    return y.percent ? value + " %" : number(value);
  }

  function build(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var y = spec.y || {};
    var datasets = spec.datasets.map(function (set, i) {
      var c = palette[i % palette.length];
      var line = set.line && dashes[set.line];
      return {
        label: set.label, data: set.data, borderColor: c,
        backgroundColor: spec.type === "bar" ? c + "cc" : c + "22",
        borderDash: line || [], borderWidth: line ? 1.5 : 2,
        pointRadius: line ? 0 : 3, pointHoverRadius: line ? 0 : 5, tension: 0,
        fill: false, borderRadius: spec.type === "bar" ? 6 : 0
      };
    });
    var valueAxis = {
      type: y.log ? "logarithmic" : "linear",
      beginAtZero: !y.log,
      title: { display: !!y.title, text: y.title || "" },
      ticks: { callback: function (v) { return tick(v, y); } }
    };
    var labelAxis = { grid: { display: false }, ticks: { autoSkip: !spec.horizontal, maxRotation: 0, maxTicksLimit: spec.horizontal ? undefined : 8 } };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false, axis: spec.horizontal ? "y" : "x" },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = spec.horizontal ? ctx.parsed.x : ctx.parsed.y;
                return ctx.dataset.label + ": " + (y.percent ? v + " %" : v.toLocaleString());
              },
              footer: function (items) {
                var notes = spec.notes || [];
                return items.length && notes[items[0].dataIndex] ? notes[items[0].dataIndex] : "";
              }
            }
          }
        },
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      }
    });
  }

  function init() { document.querySelectorAll("canvas[data-chart]").forEach(build); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
