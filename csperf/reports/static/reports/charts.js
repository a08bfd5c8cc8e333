/* Draws every chart of a page from the JSON next to it (the same figures as the table below it). */
(function () {
  "use strict";
  var charts = [];
  // Ratios are drawn as they are stored (0–1) and read as percentages (98.99%), rounded
  // as the table below the chart is (csperf.scoring.figures).
  function formatter(percent) {
    return function (v) {
      if (v === null || v === undefined) return "—";
      if (percent) return Number((v * 100).toFixed(2)) + "%";
      return Number(v.toFixed(2)).toLocaleString();
    };
  }
  function axisLabel(percent) {
    return function (v) {
      return percent ? Math.round(v * 100) + "%" : v.toLocaleString();
    };
  }
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var wide = el.clientWidth > 600;
    var fmt = formatter(data.percent);
    // The bounds come with the data: 0–100 % for ratios, fitted to the values otherwise.
    var bounds = data.axis || {};
    // Counts (cards per grade, calls) get whole-number ticks, never "0.5 cards".
    var whole = !data.percent && data.series.every(function (s) {
      return s.data.every(function (v) { return v === null || v === undefined || v % 1 === 0; });
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: wide ? 8 : 28, containLabel: true },
      xAxis: { type: "category", data: data.x, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "value",
        min: bounds.min,
        max: bounds.max,
        minInterval: whole ? 1 : undefined,
        axisLabel: { formatter: axisLabel(data.percent) },
      },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: data.type,
          data: s.data,
          connectNulls: false,
          showSymbol: data.x.length < 40,
        };
      }),
    });
    charts.push(chart);
  }
  function init() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
